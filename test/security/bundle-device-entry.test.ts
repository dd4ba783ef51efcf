import assert from "node:assert/strict";
import { test } from "node:test";
import { BOTH_MALFORMED, hostileOutcomes, rawTarEntry } from "../kit/bundle-fixtures.js";

for (const [type, what] of [
  ["3", "character device"],
  ["4", "block device"],
  ["6", "fifo"],
  ["x", "pax header"],
  ["L", "gnu long name"],
]) {
  test(`a ${what} entry is refused`, async () => {
    assert.deepEqual(await hostileOutcomes([rawTarEntry({ name: "inputs/dev", type })]), BOTH_MALFORMED);
  });
}
