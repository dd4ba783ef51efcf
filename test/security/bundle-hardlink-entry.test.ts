import assert from "node:assert/strict";
import { test } from "node:test";
import { BOTH_MALFORMED, hostileOutcomes, rawTarEntry } from "../kit/bundle-fixtures.js";

test("hard links are refused", async () => {
  const link = rawTarEntry({ name: "policy2.cedar", type: "1", linkname: "/etc/shadow" });
  assert.deepEqual(await hostileOutcomes([link]), BOTH_MALFORMED);
});
