import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../test/kit/agent-fixtures.js";
import { cli } from "../../test/kit/spawn-agent.js";
import { publicKeyPem } from "../keys/index.js";
import { purposesWith, revokedWith } from "./trust-edit.js";
import { loadTrustStore } from "./trust-store.js";

test("revokedWith keeps existing lines, adds once; purposesWith refuses a second line for a key", () => {
  const id = `sha256:${"a".repeat(64)}`;
  const r = revokedWith("# old\nsha256:" + "b".repeat(64), id, new Date(0));
  assert.equal(r.text, `# old\nsha256:${"b".repeat(64)}\n# revoked 1970-01-01T00:00:00.000Z\n${id}\n`);
  assert.equal(revokedWith(r.text, id, new Date()).added, false);
  assert.throws(() => revokedWith("", "sha256:zz", new Date()), /USAGE|key id/);
  const p = purposesWith("", "a.pem", ["bundle"]);
  assert.equal(p, "a.pem bundle\n");
  assert.throws(() => purposesWith(p, "a.pem", ["file"]), /already listed/);
});

test("sigrun trust add|list|revoke: rotate a signer key, the old one's bundles become SIGNER_REVOKED", async () => {
  const d = tempDir();
  try {
    const oldKey = ownerKey();
    const newKey = ownerKey();
    writeFileSync(join(d.path, "old.pem"), publicKeyPem(oldKey.publicKey.keyObject));
    writeFileSync(join(d.path, "new.pem"), publicKeyPem(newKey.publicKey.keyObject));
    const dir = join(d.path, "trusted");
    mkdirSync(dir);
    const add = cli(["trust", "add", dir, join(d.path, "old.pem"), "--name", "old", "--json"]);
    assert.equal(add.status, 0, add.stderr);
    assert.equal(JSON.parse(add.stdout.toString()).keyId, oldKey.publicKey.keyId);
    assert.notEqual(cli(["trust", "add", dir, join(d.path, "old.pem"), "--name", "again"]).status, 0);
    assert.equal(cli(["trust", "add", dir, join(d.path, "new.pem")]).status, 0);
    const oldJob = join(d.path, "old.sgb");
    writeFileSync(oldJob, await stubBundle([oldKey]));
    const verify = (job: string) => cli(["verify", job, "--trust", dir, "--any-host"]);
    assert.equal(verify(oldJob).status, 0, verify(oldJob).stderr);

    const rev = cli(["trust", "revoke", dir, join(d.path, "old.pem"), "--json"]);
    assert.equal(rev.status, 0, rev.stderr);
    assert.equal(JSON.parse(rev.stdout.toString()).added, true);
    assert.equal(
      JSON.parse(cli(["trust", "revoke", dir, oldKey.publicKey.keyId, "--json"]).stdout.toString()).added,
      false,
    );
    assert.equal(verify(oldJob).status, 14);
    const newJob = join(d.path, "new.sgb");
    writeFileSync(newJob, await stubBundle([newKey]));
    assert.equal(verify(newJob).status, 0);
    // no temp files left beside the edited ones
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes(".tmp")),
      [],
    );
    assert.equal(readFileSync(join(dir, "revoked"), "utf8").trim().split("\n").pop(), oldKey.publicKey.keyId);

    const list = JSON.parse(cli(["trust", "list", dir, "--json"]).stdout.toString());
    const byId = new Map(list.keys.map((k: { keyId: string }) => [k.keyId, k]));
    assert.equal((byId.get(oldKey.publicKey.keyId) as { revoked: boolean }).revoked, true);
    assert.equal((byId.get(newKey.publicKey.keyId) as { revoked: boolean }).revoked, false);

    // purposes: once the dir has a purposes file, keys need --purpose
    const pdir = join(d.path, "p");
    mkdirSync(pdir);
    assert.equal(
      cli(["trust", "add", pdir, join(d.path, "new.pem"), "--name", "n", "--purpose", "bundle,receipt"])
        .status,
      0,
    );
    assert.equal(readFileSync(join(pdir, "purposes"), "utf8"), "n.pem bundle,receipt\n");
    const refused = cli(["trust", "add", pdir, join(d.path, "old.pem")]);
    assert.equal(refused.status, 2, refused.stderr);
    assert.deepEqual(
      [...(loadTrustStore([pdir]).purposes?.get(newKey.publicKey.keyId) ?? [])],
      ["bundle", "receipt"],
    );
  } finally {
    d.cleanup();
  }
});
