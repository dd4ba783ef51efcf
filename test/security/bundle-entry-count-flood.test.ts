import assert from "node:assert/strict";
import { test } from "node:test";
import { BOTH_MALFORMED, enc, hostileOutcomes, rawTarEntry } from "../kit/bundle-fixtures.js";

test("an archive with more entries than the cap is refused", async () => {
  const many = Array.from({ length: 1100 }, (_, i) => rawTarEntry({ name: `inputs/f${i}`, data: enc("") }));
  assert.deepEqual(await hostileOutcomes(many), BOTH_MALFORMED);
});
