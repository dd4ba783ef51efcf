import assert from "node:assert/strict";
import { test } from "node:test";
import { HOST_CASES, isUngated } from "../../test/kit/host-cases/index.js";
import { buildEngine } from "./engine-bridge.js";
import { ScriptLog } from "./logs.js";
import { Monitoring } from "./monitoring.js";

// Rex's build refuses a registered function without a positive and a negative test; so does this test.
test("every Cedar-gated registered function has a permitted and a denied case", () => {
  const { binder } = buildEngine({
    host: { user: "u", authorize: () => ({ allowed: false, policies: [] }) },
    log: new ScriptLog(),
    monitoring: new Monitoring(),
  });
  const gated = [...binder.names].filter((n) => !isUngated(n)).sort();
  const covered = new Set(HOST_CASES.map((c) => c.name));
  const missing = gated.filter((n) => !covered.has(n));
  assert.deepEqual(missing, [], `gated functions without permitted/denied cases: ${missing.join(", ")}`);
  const stale = [...covered].filter((n) => !binder.names.has(n));
  assert.deepEqual(stale, [], `cases for unregistered functions: ${stale.join(", ")}`);
  assert.ok(gated.length >= 40, `expected the whole host API, got ${gated.length}`);
});
