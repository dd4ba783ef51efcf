import assert from "node:assert/strict";
import { test } from "node:test";
import { extractHostile, rawTar, rawTarEntry } from "../kit/archive-attack.js";

// Character/block devices and FIFOs are never created (a device node would bypass every file permission).
for (const [type, what] of [
  ["3", "character device"],
  ["4", "block device"],
  ["6", "FIFO"],
] as const) {
  test(`a ${what} entry is skipped`, async () => {
    const r = await extractHostile({
      tar: rawTar([rawTarEntry({ name: "dev", type }), rawTarEntry({ name: "ok", data: Buffer.from("x") })]),
    });
    assert.equal(r.status, "SUCCESS", r.message);
    assert.deepEqual(r.out, ["ok"]);
  });
}

test("pax and GNU extension headers are refused (they could rename the next member)", async () => {
  for (const type of ["x", "g", "L", "K"]) {
    const r = await extractHostile({
      tar: rawTar([
        rawTarEntry({ name: "ext", type, data: Buffer.from("30 path=../outside/evil\n") }),
        rawTarEntry({ name: "f", data: Buffer.from("x") }),
      ]),
    });
    assert.equal(r.status, "ERROR", type);
    assert.deepEqual(r.out, [], type);
    assert.deepEqual(r.outside, [], type);
  }
});
