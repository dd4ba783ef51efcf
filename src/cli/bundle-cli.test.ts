import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cli, tempDir } from "../../test/kit/bundle-fixtures.js";
import {
  generateKey,
  openSshPublicKeyLine,
  privateKeyPem,
  publicKeyInfo,
  publicKeyPem,
} from "../keys/index.js";

test("bundle create → sign (k-of-n, encrypted key) → inspect → verify through the CLI", () => {
  const t = tempDir();
  try {
    const d = (f: string) => join(t.dir, f);
    writeFileSync(d("script.rhai"), "let n = 1;\nn\n");
    writeFileSync(d("policy.cedar"), "permit (principal, action, resource);\n");
    writeFileSync(d("data.csv"), "a,b\n");
    const a = generateKey("ed25519");
    const b = generateKey("p256");
    writeFileSync(d("a.key"), privateKeyPem(a.privateKey, "correct horse"), { mode: 0o600 });
    writeFileSync(d("a.pass"), "correct horse\n");
    writeFileSync(d("b.key"), privateKeyPem(b.privateKey), { mode: 0o600 });
    const r1 = cli([
      "bundle",
      "create",
      "-s",
      d("script.rhai"),
      "-p",
      d("policy.cedar"),
      "-i",
      d("data.csv"),
      "--target",
      "web-1",
      "--expires",
      "1h",
      "-o",
      d("job.sgb"),
    ]);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(
      cli(["bundle", "create", "-s", d("script.rhai"), "-p", d("policy.cedar"), "-o", d("job.sgb")]).code,
      28,
      "refuses to overwrite",
    );
    const noPass = cli(["bundle", "sign", d("job.sgb"), "--key", d("a.key")]);
    assert.equal(noPass.code, 23, noPass.stderr);
    assert.match(noPass.stderr, /KEY_PASSPHRASE_REQUIRED/);
    const env = { ...process.env, WRONG: "nope" };
    assert.equal(
      cli(["bundle", "sign", d("job.sgb"), "--key", d("a.key"), "--passphrase-env", "WRONG"], { env }).code,
      24,
    );
    assert.equal(
      cli(["bundle", "sign", d("job.sgb"), "--key", d("a.key"), "--passphrase-file", d("a.pass")]).code,
      0,
    );
    assert.equal(cli(["bundle", "sign", d("job.sgb"), "--key", d("b.key")]).code, 0);
    const inspect = cli(["bundle", "inspect", d("job.sgb"), "--json"]);
    const info = JSON.parse(inspect.stdout);
    assert.deepEqual(info.signers, [publicKeyInfo(a.publicKey).keyId, publicKeyInfo(b.publicKey).keyId]);
    assert.deepEqual(
      info.manifest.files.map((f: { path: string }) => f.path),
      ["inputs/data.csv", "policy.cedar", "script.rhai"],
    );
    assert.match(cli(["bundle", "inspect", d("job.sgb")]).stdout, /signers \(2, not verified/);

    // trust dir: an OpenSSH .pub and a PEM, threshold file
    writeFileSync(d("trust-a.pub"), `${openSshPublicKeyLine(a.publicKey, "owner@example")}\n`);
    writeFileSync(d("trust-b.pem"), publicKeyPem(b.publicKey));
    const trustDir = tempDir();
    writeFileSync(join(trustDir.dir, "a.pub"), readFileSync(d("trust-a.pub")));
    writeFileSync(join(trustDir.dir, "b.pem"), readFileSync(d("trust-b.pem")));
    writeFileSync(join(trustDir.dir, "threshold"), "2\n");
    try {
      const ok = cli(["verify", d("job.sgb"), "--trust", trustDir.dir, "--host", "web-1", "--json"]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).signers.length, 2);
      assert.equal(cli(["verify", d("job.sgb"), "--trust", d("trust-a.pub"), "--threshold", "2"]).code, 15);
      assert.equal(cli(["verify", d("job.sgb"), "--trust", trustDir.dir, "--host", "db-1"]).code, 18);
      writeFileSync(join(trustDir.dir, "revoked"), `${publicKeyInfo(b.publicKey).keyId}\n`);
      assert.equal(cli(["verify", d("job.sgb"), "--trust", trustDir.dir]).code, 14);
    } finally {
      trustDir.cleanup();
    }
    assert.equal(statSync(d("job.sgb")).mode & 0o777, 0o644);
  } finally {
    t.cleanup();
  }
});

test("usage errors exit 2 and every verb has --help", () => {
  assert.equal(cli(["verify"]).code, 2);
  assert.equal(cli(["verify", "x.sgb", "--trust", "t", "--threshold", "zero"]).code, 2);
  for (const verb of [
    ["bundle", "create"],
    ["bundle", "sign"],
    ["bundle", "inspect"],
    ["verify"],
    ["demo"],
  ]) {
    const r = cli([...verb, "--help"]);
    assert.equal(r.code, 0, verb.join(" "));
    assert.match(r.stdout, /^Usage: sigrun /);
  }
});

test("sigrun demo runs the whole flow and exits 0", () => {
  const r = cli(["demo", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const steps = JSON.parse(r.stdout) as { got: string; asExpected: boolean }[];
  assert.ok(steps.length >= 8);
  assert.ok(steps.every((s) => s.asExpected));
  assert.ok(steps.some((s) => s.got === "DIGEST_MISMATCH"));
  assert.ok(
    steps.some((s) => s.got.includes("denied read PermissionDenied")),
    "ran under Cedar",
  );
  assert.ok(
    steps.some((s) => s.got === "REPLAY"),
    "agent refused the replay",
  );
});
