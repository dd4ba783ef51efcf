import assert from "node:assert/strict";
import { test } from "node:test";
import { BOTH_MALFORMED, hostileOutcomes, rawTarEntry } from "../kit/bundle-fixtures.js";

test("symbolic links are refused", async () => {
  const link = rawTarEntry({ name: "inputs/passwd", type: "2", linkname: "/etc/passwd" });
  assert.deepEqual(await hostileOutcomes([link]), BOTH_MALFORMED);
});
