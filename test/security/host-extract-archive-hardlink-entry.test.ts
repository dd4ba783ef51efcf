import assert from "node:assert/strict";
import { test } from "node:test";
import { extractHostile, rawTar, rawTarEntry } from "../kit/archive-attack.js";

// A hard link entry to a file outside the destination would give the extracted tree a second name for it.
test("a hard link entry is skipped (never linked)", async () => {
  const r = await extractHostile({
    tar: rawTar([
      rawTarEntry({ name: "passwd", type: "1", linkname: "/etc/passwd" }),
      rawTarEntry({ name: "ok", data: Buffer.from("x") }),
    ]),
  });
  assert.equal(r.status, "SUCCESS", r.message);
  assert.deepEqual(r.out, ["ok"]);
});

test("a hard link entry that claims data is a malformed archive", async () => {
  const r = await extractHostile({
    tar: rawTar([rawTarEntry({ name: "h", type: "1", linkname: "/etc/passwd", data: Buffer.from("data") })]),
  });
  assert.equal(r.status, "ERROR");
  assert.match(r.message, /has data/);
  assert.deepEqual(r.out, []);
});
