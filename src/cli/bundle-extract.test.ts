import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cli, hasTool, tempDir } from "../../test/kit/bundle-fixtures.js";

const need = (tool: string) => (hasTool(tool) || process.env.CI ? undefined : `${tool} not installed`);

function setup() {
  const t = tempDir("sigrun-extract-");
  const d = (f: string) => join(t.dir, f);
  const run = (args: string[]) => cli(args, { cwd: t.dir });
  writeFileSync(d("script.rhai"), "let n = 1;\nn\n");
  writeFileSync(d("policy.cedar"), "permit (principal, action, resource);\n");
  assert.equal(run(["keygen", "-o", "owner", "--no-passphrase"]).code, 0);
  assert.equal(run(["keygen", "-o", "other", "--no-passphrase"]).code, 0);
  assert.equal(run(["bundle", "create", "-s", "script.rhai", "-p", "policy.cedar", "-o", "job.sgb"]).code, 0);
  assert.equal(run(["bundle", "sign", "job.sgb", "--key", "owner.key", "-q"]).code, 0);
  return { t, d, run };
}

test("bundle extract: verified first, all or nothing, into a new directory only", () => {
  const { t, d, run } = setup();
  try {
    assert.equal(run(["bundle", "extract", "job.sgb", "-o", "out"]).code, 2, "refuses without --trust");
    const bad = run(["bundle", "extract", "job.sgb", "-o", "out", "--trust", "other.pub"]);
    assert.equal(bad.code, 13, bad.stderr);
    assert.ok(!existsSync(d("out")), "nothing written when verification fails");
    const ok = run(["bundle", "extract", "job.sgb", "-o", "out", "--trust", "owner.pub"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(readFileSync(d("out/script.rhai"), "utf8"), "let n = 1;\nn\n");
    assert.deepEqual(readdirSync(d("out")).sort(), ["policy.cedar", "script.rhai"]);
    assert.equal(
      run(["bundle", "extract", "job.sgb", "-o", "out", "--trust", "owner.pub"]).code,
      28,
      "out exists",
    );
    mkdirSync(d("trap"));
    symlinkSync("/tmp", d("trap/script.rhai"));
    assert.equal(run(["bundle", "extract", "job.sgb", "-o", "trap", "--unverified"]).code, 28);
    const u = run(["bundle", "extract", "job.sgb", "-o", "u", "--unverified"]);
    assert.equal(u.code, 0);
    assert.match(u.stderr, /UNVERIFIED/);
    assert.ok(!readdirSync(t.dir).some((n) => n.includes(".tmp-")), "no temporary directory left");
  } finally {
    t.cleanup();
  }
});

test("classic bundle.tar.gz: inspect shows files and digests; verify finds bundle.sig; extract", {
  skip: need("openssl") ?? need("tar"),
}, () => {
  const { t, d, run } = setup();
  try {
    assert.equal(
      spawnSync("tar", ["czf", "bundle.tar.gz", "script.rhai", "policy.cedar"], { cwd: t.dir }).status,
      0,
    );
    const key = spawnSync(
      "openssl",
      ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "c.pem"],
      { cwd: t.dir },
    );
    assert.equal(key.status, 0);
    spawnSync("openssl", ["pkey", "-in", "c.pem", "-pubout", "-out", "c.pub"], { cwd: t.dir });
    spawnSync("openssl", ["dgst", "-sha256", "-sign", "c.pem", "-out", "bundle.sig", "bundle.tar.gz"], {
      cwd: t.dir,
    });
    const ins = run(["bundle", "inspect", "bundle.tar.gz"]);
    assert.equal(ins.code, 0, ins.stderr);
    assert.match(ins.stdout, /classic bundle/);
    assert.match(ins.stdout, /script\.rhai {2}13 bytes {2}sha256:[0-9a-f]{64}/);
    const j = JSON.parse(run(["bundle", "inspect", "bundle.tar.gz", "--json"]).stdout);
    assert.equal(j.form, "classic");
    const piped = cli(["bundle", "inspect", "-"], { cwd: t.dir, input: readFileSync(d("bundle.tar.gz")) });
    assert.equal(piped.stdout, ins.stdout);
    const v = run(["verify", "bundle.tar.gz", "--trust", "c.pub"]);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(run(["verify", "bundle.tar.gz", "--trust", "owner.pub"]).code, 12);
    assert.equal(run(["bundle", "extract", "bundle.tar.gz", "-o", "cx", "--trust", "c.pub"]).code, 0);
    assert.equal(readFileSync(d("cx/policy.cedar"), "utf8"), "permit (principal, action, resource);\n");
  } finally {
    t.cleanup();
  }
});
