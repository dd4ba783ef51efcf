import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runRex } from "../../src/runner/index.js";

// find with follow_symlinks(true) on a tree whose links loop back (to the root, to themselves, to each
// other): the visited-inode walk must end and report every real object once.
test("symlink loops end the walk: each object is reported once", async () => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-loop-")));
  try {
    mkdirSync(join(d, "t/a/b"), { recursive: true });
    writeFileSync(join(d, "t/a/b/f"), "x");
    symlinkSync("..", join(d, "t/a/b/up")); // → t/a
    symlinkSync(join(d, "t"), join(d, "t/a/root")); // → t (the walk's root)
    symlinkSync(".", join(d, "t/self")); // → t
    symlinkSync("l2", join(d, "t/l1")); // l1 → l2 → l1: ELOOP
    symlinkSync("l1", join(d, "t/l2"));
    const r = await runRex({
      script: `let r = []; DirConfig().path("${d}/t").build().open(OpenDirOptions().build()).find(FindOptions().follow_symlinks(true).build(), |e| r.push(e.name)); r.sort(); r`,
      policy: `permit(principal, action, resource in file_system::Dir::"${d}");`,
      monitoring: false,
      limits: { maxWallMs: 20_000 },
    });
    assert.equal(r.output.status, "SUCCESS", JSON.stringify(r.output.error));
    // a, b and f once; the links to already-visited directories and the l1/l2 loop are left out
    assert.deepEqual(JSON.parse(r.output.output.replaceAll("'", '"')), ["a", "b", "f"]);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test("a followed link to a directory the policy does not cover is checked under its real path and skipped", async () => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-loop-")));
  try {
    mkdirSync(join(d, "t"));
    mkdirSync(join(d, "secret"));
    writeFileSync(join(d, "secret/key"), "TOP SECRET");
    symlinkSync(join(d, "secret"), join(d, "t/out"));
    writeFileSync(join(d, "t/ok"), "x");
    const r = await runRex({
      script: `let r = []; DirConfig().path("${d}/t").build().open(OpenDirOptions().build()).find(FindOptions().follow_symlinks(true).build(), |e| r.push(e.name)); r`,
      policy: `permit(principal, action, resource in file_system::Dir::"${d}/t");`,
      monitoring: false,
      explain: true,
    });
    assert.equal(r.output.status, "SUCCESS", JSON.stringify(r.output.error));
    assert.equal(r.output.output, '["ok"]');
    const denied = r.decisions.filter((x) => x.decision === "deny").map((x) => x.resource);
    assert.ok(denied.includes(`file_system::Dir::"${d}/secret"`), denied.join(", "));
    assert.ok(!r.decisions.some((x) => x.resource.includes("secret/key")));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
