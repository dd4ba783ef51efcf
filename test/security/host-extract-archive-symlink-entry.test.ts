import assert from "node:assert/strict";
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { extractHostile, rawTar, rawTarEntry } from "../kit/archive-attack.js";

// The classic two-step escape: a symlink entry pointing outside, then a file "through" it.
test("a symlink entry is skipped, and a later file under its name stays inside the destination", async () => {
  const r = await extractHostile(
    {
      tar: rawTar([
        rawTarEntry({ name: "link", type: "2", linkname: "../outside" }),
        rawTarEntry({ name: "link/evil", data: Buffer.from("pwned") }),
      ]),
    },
    undefined,
    (d) => assert.ok(!lstatSync(join(d, "out/link")).isSymbolicLink()),
  );
  assert.equal(r.status, "SUCCESS", r.message);
  // "link" became a real directory in the destination, never a symlink
  assert.deepEqual(r.out, ["link", "link/evil"]);
  assert.deepEqual(r.outside, []);
});

test("a symlink already in the destination is not followed by a member below it", async () => {
  const r = await extractHostile(
    { tar: rawTar([rawTarEntry({ name: "planted/evil", data: Buffer.from("pwned") })]) },
    (d) => symlinkSync(join(d, "outside"), join(d, "out/planted")),
    (d) => assert.ok(lstatSync(join(d, "out/planted")).isSymbolicLink()),
  );
  // the member fails (a WARN log), the call itself succeeds, as Rex's best-effort extraction
  assert.equal(r.status, "SUCCESS", r.message);
  assert.deepEqual(r.outside, []);
  assert.deepEqual(r.out, ["planted"]);
});

test("a file member replaces a symlink in the destination, never its target", async () => {
  const r = await extractHostile(
    { tar: rawTar([rawTarEntry({ name: "victim", data: Buffer.from("archive data") })]) },
    (d) => {
      writeFileSync(join(d, "outside/precious"), "precious");
      symlinkSync(join(d, "outside/precious"), join(d, "out/victim"));
    },
    (d) => {
      assert.equal(readFileSync(join(d, "outside/precious"), "utf8"), "precious");
      assert.ok(lstatSync(join(d, "out/victim")).isFile(), "the link itself was replaced by the member");
      assert.equal(readFileSync(join(d, "out/victim"), "utf8"), "archive data");
    },
  );
  assert.equal(r.status, "SUCCESS", r.message);
  assert.deepEqual(r.outside, ["precious"]);
  assert.deepEqual(r.out, ["victim"]);
});
