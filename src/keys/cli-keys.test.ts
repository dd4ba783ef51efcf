import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/** The key verbs end to end: keygen, key id/export, sign-file, verify-file, checked by the real tools. */
const CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const missing = (bin: string) => (spawnSync(bin, ["--help"]).error ? `${bin} not installed` : undefined);

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-cli-keys-"));
  writeFileSync(join(dir, "doc.txt"), "release notes\n");
  writeFileSync(join(dir, "pass"), "correct horse\n");
  writeFileSync(join(dir, "wrong"), "battery staple\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

function sigrun(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}
function tool(cmd: string, args: string[], input?: string) {
  return spawnSync(cmd, args, { cwd: dir, input, encoding: "utf8" });
}

describe("sigrun keygen / key id", () => {
  for (const type of ["ed25519", "p256", "rsa3072", "x25519"]) {
    it(`keygen --type ${type}`, () => {
      const r = sigrun(["keygen", "--type", type, "-o", `k-${type}`, "--json"]);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.match(out.keyId, /^sha256:[0-9a-f]{64}$/);
      assert.equal(out.shortKeyId, out.keyId.slice(7, 23));
      assert.equal(statSync(join(dir, `k-${type}.key`)).mode & 0o777, 0o600);
      assert.match(readFileSync(join(dir, `k-${type}.key`), "utf8"), /^-----BEGIN PRIVATE KEY-----/);
      assert.match(readFileSync(join(dir, `k-${type}.pub`), "utf8"), /^-----BEGIN PUBLIC KEY-----/);
      for (const f of [`k-${type}.key`, `k-${type}.pub`]) {
        const id = sigrun(["key", "id", f, "--json"]);
        assert.equal(id.status, 0, id.stderr);
        assert.equal(JSON.parse(id.stdout).keyId, out.keyId);
      }
    });
  }

  it("refuses to overwrite (IO_ERROR, exit 28) and leaves the old key alone", () => {
    const before = readFileSync(join(dir, "k-ed25519.key"));
    const r = sigrun(["keygen", "-o", "k-ed25519"]);
    assert.equal(r.status, 28);
    assert.match(r.stderr, /IO_ERROR/);
    assert.deepEqual(readFileSync(join(dir, "k-ed25519.key")), before);
  });

  it("passphrase: encrypted PKCS#8; missing → 23, wrong → 24, right (file or env) → 0", () => {
    assert.equal(sigrun(["keygen", "-o", "enc", "--passphrase-file", "pass"]).status, 0);
    assert.match(readFileSync(join(dir, "enc.key"), "utf8"), /ENCRYPTED PRIVATE KEY/);
    assert.equal(sigrun(["sign-file", "doc.txt", "--key", "enc.key", "-o", "-"]).status, 23);
    assert.equal(
      sigrun(["sign-file", "doc.txt", "--key", "enc.key", "-o", "-", "--passphrase-file", "wrong"]).status,
      24,
    );
    assert.equal(
      sigrun(["sign-file", "doc.txt", "--key", "enc.key", "-o", "-", "--passphrase-file", "pass"]).status,
      0,
    );
    const env = sigrun(["key", "id", "enc.key", "--passphrase-env", "SIGRUN_TEST_PASS"], {
      SIGRUN_TEST_PASS: "correct horse",
    });
    assert.equal(env.status, 0, env.stderr);
    assert.equal(sigrun(["key", "id", "enc.key"]).status, 23);
  });

  it("an x25519 key cannot sign (KEY_UNSUPPORTED, exit 22)", () => {
    assert.equal(sigrun(["sign-file", "doc.txt", "--key", "k-x25519.key", "-o", "-"]).status, 22);
  });

  it("--help works on every verb", () => {
    for (const v of [["keygen"], ["key", "id"], ["key", "export"], ["sign-file"], ["verify-file"]])
      assert.equal(sigrun([...v, "--help"]).status, 0);
  });
});

describe("sigrun sign-file / verify-file with the real tools", () => {
  it("raw: openssl dgst -sha256 -verify (p256, rsa) and pkeyutl -rawin (ed25519)", {
    skip: missing("openssl"),
  }, () => {
    for (const type of ["ed25519", "p256", "rsa3072"]) {
      const out = `doc.${type}.sig`;
      const s = sigrun(["sign-file", "doc.txt", "--key", `k-${type}.key`, "--format", "raw", "-o", out]);
      assert.equal(s.status, 0, s.stderr);
      const args =
        type === "ed25519"
          ? [
              "pkeyutl",
              "-verify",
              "-pubin",
              "-inkey",
              `k-${type}.pub`,
              "-rawin",
              "-in",
              "doc.txt",
              "-sigfile",
              out,
            ]
          : ["dgst", "-sha256", "-verify", `k-${type}.pub`, "-signature", out, "doc.txt"];
      const v = tool("openssl", args);
      assert.equal(v.status, 0, v.stderr);
      const mine = sigrun(["verify-file", "doc.txt", "--sig", out, "--pub", `k-${type}.pub`, "--json"]);
      assert.equal(mine.status, 0, mine.stderr);
      assert.equal(JSON.parse(mine.stdout).format, "raw");
    }
  });

  it("ssh: ssh-keygen -Y verify against `key export --format openssh`", {
    skip: missing("ssh-keygen"),
  }, () => {
    const s = sigrun(["sign-file", "doc.txt", "--key", "k-p256.key", "--format", "ssh"]);
    assert.equal(s.status, 0, s.stderr);
    const line = sigrun(["key", "export", "k-p256.key", "--format", "openssh"]);
    assert.equal(line.status, 0, line.stderr);
    writeFileSync(join(dir, "allowed_signers"), `release@example ${line.stdout}`);
    const v = tool(
      "ssh-keygen",
      ["-Y", "verify", "-f", "allowed_signers", "-I", "release@example", "-n", "file", "-s", "doc.txt.sig"],
      readFileSync(join(dir, "doc.txt"), "utf8"),
    );
    assert.equal(v.status, 0, v.stderr);
    assert.equal(sigrun(["verify-file", "doc.txt", "--sig", "doc.txt.sig", "--pub", "k-p256.pub"]).status, 0);
    assert.equal(
      sigrun(["verify-file", "doc.txt", "--sig", "doc.txt.sig", "--pub", "k-p256.pub", "--namespace", "git"])
        .status,
      12,
    );
    assert.equal(sigrun(["sign-file", "doc.txt", "--key", "k-p256.key", "--format", "ssh"]).status, 28);
  });

  it("openpgp: gpgv --keyring <dearmored `key export --format openpgp`>", {
    skip: missing("gpgv") ?? missing("gpg"),
  }, () => {
    const s = sigrun(["sign-file", "doc.txt", "--key", "k-ed25519.key", "--format", "openpgp"]);
    assert.equal(s.status, 0, s.stderr);
    const e1 = sigrun([
      "key",
      "export",
      "k-ed25519.key",
      "--format",
      "openpgp",
      "--uid",
      "Rel <rel@example.com>",
      "-o",
      "rel.asc",
    ]);
    assert.equal(e1.status, 0, e1.stderr);
    const e2 = sigrun([
      "key",
      "export",
      "k-ed25519.key",
      "--format",
      "openpgp",
      "--uid",
      "Rel <rel@example.com>",
    ]);
    assert.equal(e2.stdout, readFileSync(join(dir, "rel.asc"), "utf8"), "export is stable");
    const home = mkdtempSync(join(tmpdir(), "sigrun-gpg-"));
    try {
      const d = spawnSync("gpg", ["--batch", "--dearmor", "-o", join(dir, "rel.gpg"), join(dir, "rel.asc")], {
        env: { ...process.env, GNUPGHOME: home },
      });
      assert.equal(d.status, 0);
      const v = spawnSync(
        "gpgv",
        ["--keyring", join(dir, "rel.gpg"), join(dir, "doc.txt.asc"), join(dir, "doc.txt")],
        {
          env: { ...process.env, GNUPGHOME: home },
          encoding: "utf8",
        },
      );
      assert.equal(v.status, 0, v.stderr);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    for (const pub of ["rel.asc", "rel.gpg", "k-ed25519.pub"])
      assert.equal(sigrun(["verify-file", "doc.txt", "--sig", "doc.txt.asc", "--pub", pub]).status, 0, pub);
    writeFileSync(join(dir, "doc2.txt"), "release notes!\n");
    const bad = sigrun(["verify-file", "doc2.txt", "--sig", "doc.txt.asc", "--pub", "rel.asc", "--json"]);
    assert.equal(bad.status, 12);
    assert.equal(JSON.parse(bad.stdout).ok, false);
  });

  it("verify-file with the wrong key fails with SIGNATURE_INVALID (12)", () => {
    assert.equal(
      sigrun(["verify-file", "doc.txt", "--sig", "doc.p256.sig", "--pub", "k-rsa3072.pub"]).status,
      12,
    );
  });
});
