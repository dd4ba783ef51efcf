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

test("bundle create and sign refuse a script that does not parse and a policy that does not parse or validate; --no-check skips", () => {
  const t = tempDir();
  try {
    const d = (f: string) => join(t.dir, f);
    writeFileSync(d("ok.rhai"), "let n = 1;\nn\n");
    writeFileSync(d("bad.rhai"), "let x = ;\n");
    writeFileSync(d("ok.cedar"), "permit (principal, action, resource);\n");
    writeFileSync(d("broken.cedar"), "permit (principal, action, resource\n");
    writeFileSync(
      d("invalid.cedar"),
      'permit (principal, action == file_system::Action::"nope", resource);\n',
    );
    writeFileSync(d("k.key"), privateKeyPem(generateKey("ed25519").privateKey), { mode: 0o600 });
    const create = (s: string, p: string, out: string, ...extra: string[]) =>
      cli(["bundle", "create", "-s", d(s), "-p", d(p), "-o", d(out), ...extra]);

    const badScript = create("bad.rhai", "ok.cedar", "a.sgb");
    assert.equal(badScript.code, 31, badScript.stderr);
    assert.match(badScript.stderr, /SCRIPT_PARSE_ERROR: script: .*line 1, position 9/);
    const broken = create("ok.rhai", "broken.cedar", "b.sgb");
    assert.equal(broken.code, 32, broken.stderr);
    assert.match(broken.stderr, /POLICY_INVALID: policy: does not parse/);
    const invalid = create("ok.rhai", "invalid.cedar", "c.sgb");
    assert.equal(invalid.code, 32, invalid.stderr);
    assert.match(invalid.stderr, /POLICY_INVALID: policy: not valid for the schema/);
    for (const f of ["a.sgb", "b.sgb", "c.sgb"]) assert.throws(() => statSync(d(f)), f);

    // --no-check makes it anyway; sign then refuses it unless it is told not to check either
    assert.equal(create("bad.rhai", "ok.cedar", "n.sgb", "--no-check").code, 0);
    const before = readFileSync(d("n.sgb"));
    const sign = cli(["bundle", "sign", d("n.sgb"), "--key", d("k.key")]);
    assert.equal(sign.code, 31, sign.stderr);
    assert.deepEqual(readFileSync(d("n.sgb")), before, "a refused sign leaves the bundle as it was");
    assert.equal(cli(["bundle", "sign", d("n.sgb"), "--key", d("k.key"), "--no-check"]).code, 0);
    assert.notDeepEqual(readFileSync(d("n.sgb")), before);

    assert.equal(create("ok.rhai", "ok.cedar", "ok.sgb").code, 0);
    assert.equal(cli(["bundle", "sign", d("ok.sgb"), "--key", d("k.key")]).code, 0);
  } finally {
    t.cleanup();
  }
});
