import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  fileSigner,
  generateKey,
  openPgpPublicKey,
  openSshPublicKeyLine,
  parsePrivateKey,
  publicKeyPem,
  type Signer,
  signFile,
  verifyDetached,
} from "./index.js";

/** Interop with the real tools, both directions: openssl, ssh-keygen, gpg/gpgv. */
const missing = (bin: string) => (spawnSync(bin, ["--help"]).error ? `${bin} not installed` : undefined);
const MSG = new TextEncoder().encode("interop message\n");

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-interop-"));
  writeFileSync(join(dir, "msg"), MSG);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[], opts: { input?: Uint8Array; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: dir,
    input: opts.input,
    env: opts.env ?? process.env,
    encoding: "utf8",
  });
  if (r.error) throw r.error;
  return r;
}
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

const SIGRUN_TYPES = [
  ["ed25519", "ed25519"],
  ["p256", "p256"],
  ["rsa3072", "rsa"],
] as const;
const signers = new Map<string, Signer>();
const signerFor = (type: (typeof SIGRUN_TYPES)[number][0]): Signer => {
  let s = signers.get(type);
  if (!s) {
    s = fileSigner(generateKey(type).privateKey);
    signers.set(type, s);
    writeFileSync(join(dir, `${type}.pub`), publicKeyPem(s.publicKey.keyObject));
  }
  return s;
};

describe("sigrun → openssl (raw)", { skip: missing("openssl") }, () => {
  for (const [type] of SIGRUN_TYPES) {
    it(type, async () => {
      const s = signerFor(type);
      writeFileSync(join(dir, `${type}.raw`), await signFile(s, MSG, "raw"));
      const args =
        type === "ed25519"
          ? [
              "pkeyutl",
              "-verify",
              "-pubin",
              "-inkey",
              `${type}.pub`,
              "-rawin",
              "-in",
              "msg",
              "-sigfile",
              `${type}.raw`,
            ]
          : ["dgst", "-sha256", "-verify", `${type}.pub`, "-signature", `${type}.raw`, "msg"];
      const r = run("openssl", args);
      assert.equal(r.status, 0, r.stderr);
    });
  }
});

describe("openssl → sigrun (raw)", { skip: missing("openssl") }, () => {
  const cases = [
    ["ed25519", ["genpkey", "-algorithm", "ed25519"]],
    ["ec-traditional", ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]],
    ["rsa-traditional", ["genrsa", "-traditional"]],
  ] as const;
  for (const [name, gen] of cases) {
    it(name, async () => {
      const bits = name === "rsa-traditional" ? ["2048"] : [];
      assert.equal(run("openssl", [...gen, "-out", `o-${name}.key`, ...bits]).status, 0);
      if (name !== "ed25519")
        assert.match(readFileSync(join(dir, `o-${name}.key`), "utf8"), /BEGIN (EC|RSA) PRIVATE KEY/);
      assert.equal(
        run("openssl", ["pkey", "-in", `o-${name}.key`, "-pubout", "-out", `o-${name}.pub`]).status,
        0,
      );
      const sign =
        name === "ed25519"
          ? ["pkeyutl", "-sign", "-inkey", `o-${name}.key`, "-rawin", "-in", "msg", "-out", `o-${name}.sig`]
          : ["dgst", "-sha256", "-sign", `o-${name}.key`, "-out", `o-${name}.sig`, "msg"];
      assert.equal(run("openssl", sign).status, 0);
      const res = await verifyDetached(MSG, file(`o-${name}.sig`), file(`o-${name}.pub`));
      assert.deepEqual([res.ok, res.format], [true, "raw"]);
      const bad = await verifyDetached(
        new TextEncoder().encode("other"),
        file(`o-${name}.sig`),
        file(`o-${name}.pub`),
      );
      assert.equal(bad.ok, false);
      // the traditional/PKCS#8 private key loads and gives the same key id
      const priv = fileSigner(parsePrivateKey(file(`o-${name}.key`)));
      assert.equal(priv.publicKey.keyId, res.keyId);
    });
  }
});

describe("X.509 certificate as the public key", { skip: missing("openssl") }, () => {
  it("openssl req -x509 certificate verifies openssl signatures and gives the key's id", async () => {
    const r = run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "c.key",
      "-out",
      "c.crt",
      "-subj",
      "/CN=sigrun test",
      "-days",
      "1",
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(run("openssl", ["dgst", "-sha256", "-sign", "c.key", "-out", "c.sig", "msg"]).status, 0);
    const res = await verifyDetached(MSG, file("c.sig"), file("c.crt"));
    assert.equal(res.ok, true);
    assert.equal(fileSigner(parsePrivateKey(file("c.key"))).publicKey.keyId, res.keyId);
  });
});

describe("sigrun ↔ ssh-keygen (SSHSIG)", { skip: missing("ssh-keygen") }, () => {
  for (const [type] of SIGRUN_TYPES) {
    it(`sigrun ${type} → ssh-keygen -Y verify`, async () => {
      const s = signerFor(type);
      writeFileSync(join(dir, `${type}.sshsig`), await signFile(s, MSG, "ssh", { namespace: "file" }));
      writeFileSync(
        join(dir, `${type}.allowed`),
        `signer@example ${openSshPublicKeyLine(s.publicKey.keyObject)}\n`,
      );
      const ok = run(
        "ssh-keygen",
        [
          "-Y",
          "verify",
          "-f",
          `${type}.allowed`,
          "-I",
          "signer@example",
          "-n",
          "file",
          "-s",
          `${type}.sshsig`,
        ],
        {
          input: MSG,
        },
      );
      assert.equal(ok.status, 0, ok.stderr);
      const wrongNs = run(
        "ssh-keygen",
        [
          "-Y",
          "verify",
          "-f",
          `${type}.allowed`,
          "-I",
          "signer@example",
          "-n",
          "git",
          "-s",
          `${type}.sshsig`,
        ],
        {
          input: MSG,
        },
      );
      assert.notEqual(wrongNs.status, 0);
    });
  }
  for (const [kt, bits] of [
    ["ed25519", []],
    ["ecdsa", ["-b", "256"]],
    ["rsa", ["-b", "2048"]],
  ] as const) {
    it(`ssh-keygen ${kt} → sigrun (and the OpenSSH private key, with passphrase, signs for ssh-keygen)`, async () => {
      const key = `s-${kt}`;
      assert.equal(
        run("ssh-keygen", ["-q", "-t", kt, ...bits, "-N", "pass phrase", "-C", "c", "-f", key]).status,
        0,
      );
      const sign = run("ssh-keygen", ["-Y", "sign", "-f", key, "-P", "pass phrase", "-n", "file", "msg"]);
      assert.equal(sign.status, 0, sign.stderr);
      const res = await verifyDetached(MSG, file("msg.sig"), file(`${key}.pub`));
      assert.deepEqual([res.ok, res.format], [true, "ssh"]);
      assert.equal(
        (await verifyDetached(MSG, file("msg.sig"), file(`${key}.pub`), { namespace: "git" })).ok,
        false,
      );
      rmSync(join(dir, "msg.sig"));
      const s = fileSigner(parsePrivateKey(file(key), "pass phrase"));
      assert.equal(s.publicKey.keyId, res.keyId);
      writeFileSync(join(dir, `${key}.sshsig`), await signFile(s, MSG, "ssh"));
      writeFileSync(join(dir, `${key}.allowed`), `me ${readFileSync(join(dir, `${key}.pub`), "utf8")}`);
      const v = run(
        "ssh-keygen",
        ["-Y", "verify", "-f", `${key}.allowed`, "-I", "me", "-n", "file", "-s", `${key}.sshsig`],
        {
          input: MSG,
        },
      );
      assert.equal(v.status, 0, v.stderr);
    });
  }
});

describe("sigrun ↔ gpg (OpenPGP)", { skip: missing("gpg") ?? missing("gpgv") }, () => {
  let env: NodeJS.ProcessEnv;
  before(() => {
    const home = mkdtempSync(join(tmpdir(), "sigrun-gnupg-"));
    env = { ...process.env, GNUPGHOME: home };
  });
  after(() => {
    spawnSync("gpgconf", ["--kill", "gpg-agent"], { env });
    rmSync(env.GNUPGHOME!, { recursive: true, force: true });
  });
  for (const [type] of SIGRUN_TYPES) {
    it(`sigrun ${type} → gpgv (key export is stable)`, async () => {
      const s = signerFor(type);
      const cert = await openPgpPublicKey(s, "Sigrun Test <test@example.com>");
      const again = await openPgpPublicKey(s, "Sigrun Test <test@example.com>");
      if (type !== "p256") assert.equal(again, cert); // ECDSA self-signatures are randomized; the key packet is not
      writeFileSync(join(dir, `${type}.cert.asc`), cert);
      writeFileSync(join(dir, `${type}.pgp.asc`), await signFile(s, MSG, "openpgp"));
      assert.equal(
        run("gpg", ["--batch", "--yes", "--dearmor", "-o", `${type}.cert.gpg`, `${type}.cert.asc`], { env })
          .status,
        0,
      );
      const v = run("gpgv", ["--keyring", `./${type}.cert.gpg`, `${type}.pgp.asc`, "msg"], { env });
      assert.equal(v.status, 0, v.stderr);
      writeFileSync(join(dir, "msg.tampered"), "interop message!\n");
      assert.notEqual(
        run("gpgv", ["--keyring", `./${type}.cert.gpg`, `${type}.pgp.asc`, "msg.tampered"], { env }).status,
        0,
      );
      // sigrun verifies its own signature with the PEM key and with the exported certificate
      assert.equal((await verifyDetached(MSG, file(`${type}.pgp.asc`), file(`${type}.pub`))).ok, true);
      const viaCert = await verifyDetached(MSG, file(`${type}.pgp.asc`), file(`${type}.cert.asc`));
      assert.deepEqual([viaCert.ok, viaCert.keyId], [true, s.publicKey.keyId]);
    });
  }
  for (const algo of ["ed25519", "rsa2048", "nistp256"]) {
    it(`gpg --detach-sign (${algo}) → sigrun`, async () => {
      const uid = `G ${algo} <g-${algo}@example.com>`;
      const gen = run(
        "gpg",
        [
          "--batch",
          "--pinentry-mode",
          "loopback",
          "--passphrase",
          "",
          "--quick-generate-key",
          uid,
          algo,
          "sign",
          "0",
        ],
        { env },
      );
      assert.equal(gen.status, 0, gen.stderr);
      assert.equal(
        run("gpg", ["--batch", "--yes", "-u", uid, "--detach-sign", "-o", `g-${algo}.sig`, "msg"], { env })
          .status,
        0,
      );
      assert.equal(
        run(
          "gpg",
          ["--batch", "--yes", "-u", uid, "--armor", "--detach-sign", "-o", `g-${algo}.asc`, "msg"],
          { env },
        ).status,
        0,
      );
      assert.equal(
        run("gpg", ["--batch", "--yes", "--export", "-o", `g-${algo}.gpg`, uid], { env }).status,
        0,
      );
      assert.equal(
        run("gpg", ["--batch", "--yes", "--armor", "--export", "-o", `g-${algo}.pub.asc`, uid], { env })
          .status,
        0,
      );
      for (const [sig, pub] of [
        [`g-${algo}.sig`, `g-${algo}.gpg`],
        [`g-${algo}.asc`, `g-${algo}.pub.asc`],
      ] as const) {
        const res = await verifyDetached(MSG, file(sig), file(pub));
        assert.deepEqual([res.ok, res.format], [true, "openpgp"], `${sig} with ${pub}`);
        const bad = await verifyDetached(new TextEncoder().encode("tampered"), file(sig), file(pub));
        assert.equal(bad.ok, false);
      }
    });
  }
});
