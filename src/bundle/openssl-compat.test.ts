import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cli, hasTool, tempDir } from "../../test/kit/bundle-fixtures.js";

const skip = !hasTool("openssl") || !hasTool("tar") ? "needs the openssl and tar binaries" : false;

function sh(cmd: string, cwd: string): void {
  const r = spawnSync("sh", ["-c", cmd], { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
}

for (const [name, genkey] of [
  ["RSA", "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out private.pem"],
  ["EC P-256", "openssl ecparam -name prime256v1 -genkey -noout -out private.pem"],
] as const) {
  test(`the classic flow works unchanged with an ${name} key made by openssl`, { skip }, () => {
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, "script.rhai"), 'let greeting = "hello";\ngreeting\n');
      writeFileSync(join(t.dir, "policy.cedar"), "permit (principal, action, resource);\n");
      sh(genkey, t.dir);
      sh("openssl pkey -in private.pem -pubout -out trusted.pem", t.dir);
      sh("tar czf bundle.tar.gz script.rhai policy.cedar", t.dir);
      sh("openssl dgst -sha256 -sign private.pem -out bundle.sig bundle.tar.gz", t.dir);
      const ok = cli(["verify", "bundle.tar.gz", "--openssl-sig", "bundle.sig", "--trust", "trusted.pem"], {
        cwd: t.dir,
      });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^OK: bundle [0-9a-f]{32} \(2 files\)/);
      const json = cli(
        ["verify", "bundle.tar.gz", "--openssl-sig", "bundle.sig", "--trust", "trusted.pem", "--json"],
        { cwd: t.dir },
      );
      assert.equal(JSON.parse(json.stdout).form, "openssl");
      // a different trusted key: the signature does not verify
      sh(
        "openssl ecparam -name prime256v1 -genkey -noout -out other.pem && openssl pkey -in other.pem -pubout -out other.pub.pem",
        t.dir,
      );
      const bad = cli(
        ["verify", "bundle.tar.gz", "--openssl-sig", "bundle.sig", "--trust", "other.pub.pem"],
        { cwd: t.dir },
      );
      assert.equal(bad.code, 12);
      assert.match(bad.stderr, /^sigrun: SIGNATURE_INVALID: /);
      // a re-packed archive with another script fails
      writeFileSync(join(t.dir, "script.rhai"), 'rm("/")\n');
      sh("tar czf bundle.tar.gz script.rhai policy.cedar", t.dir);
      assert.equal(
        cli(["verify", "bundle.tar.gz", "--openssl-sig", "bundle.sig", "--trust", "trusted.pem"], {
          cwd: t.dir,
        }).code,
        12,
      );
    } finally {
      t.cleanup();
    }
  });
}

test("an archive signed by a trusted key but holding a symlink is still refused", { skip }, () => {
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, "script.rhai"), "1\n");
    writeFileSync(join(t.dir, "policy.cedar"), "permit (principal, action, resource);\n");
    sh(
      "ln -s /etc/passwd link && openssl ecparam -name prime256v1 -genkey -noout -out private.pem && openssl pkey -in private.pem -pubout -out trusted.pem",
      t.dir,
    );
    sh(
      "tar czf bundle.tar.gz script.rhai policy.cedar link && openssl dgst -sha256 -sign private.pem -out bundle.sig bundle.tar.gz",
      t.dir,
    );
    const r = cli(["verify", "bundle.tar.gz", "--openssl-sig", "bundle.sig", "--trust", "trusted.pem"], {
      cwd: t.dir,
    });
    assert.equal(r.code, 10);
    assert.match(r.stderr, /BUNDLE_MALFORMED/);
  } finally {
    t.cleanup();
  }
});
