import assert from "node:assert/strict";
import { test } from "node:test";
import { BOTH_MALFORMED, enc, hostileOutcomes, rawTarEntry } from "../kit/bundle-fixtures.js";

test("absolute entry names are refused", async () => {
  const entry = rawTarEntry({ name: "/etc/cron.d/evil", data: enc("* * * * * root sh") });
  assert.deepEqual(await hostileOutcomes([entry]), BOTH_MALFORMED);
});
