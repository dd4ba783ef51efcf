import assert from "node:assert/strict";
import { test } from "node:test";
import { BOTH_MALFORMED, enc, hostileOutcomes, rawTarEntry } from "../kit/bundle-fixtures.js";

test("a second entry with the same name (shadowing the signed one) is refused", async () => {
  assert.deepEqual(
    await hostileOutcomes([rawTarEntry({ name: "script.rhai", data: enc("evil()") })]),
    BOTH_MALFORMED,
  );
});
