import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_ARCHIVE_ENTRIES } from "../../src/host/index.js";
import { extractHostile, rawTar, rawTarEntry } from "../kit/archive-attack.js";

// Empty members cost 512 bytes each: a small archive could ask for millions of file creations.
test("more members than the cap refuse the archive before anything is written", async () => {
  const members = Array.from({ length: MAX_ARCHIVE_ENTRIES + 1 }, (_, i) => rawTarEntry({ name: `f${i}` }));
  const r = await extractHostile({ tar: rawTar(members) });
  assert.equal(r.status, "ERROR");
  assert.match(r.message, /more than 10000 entries/);
  assert.deepEqual(r.out, []);
});

test("directory and link members count toward the cap too", async () => {
  const members = Array.from({ length: MAX_ARCHIVE_ENTRIES + 1 }, (_, i) =>
    i % 2
      ? rawTarEntry({ name: `d${i}/`, type: "5" })
      : rawTarEntry({ name: `l${i}`, type: "2", linkname: "x" }),
  );
  const r = await extractHostile({ tar: rawTar(members) });
  assert.equal(r.status, "ERROR");
  assert.match(r.message, /more than 10000 entries/);
  assert.deepEqual(r.out, []);
});
