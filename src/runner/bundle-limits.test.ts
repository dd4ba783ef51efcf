import assert from "node:assert/strict";
import { test } from "node:test";
import { isSigrunError } from "../core/index.js";
import { DEFAULT_CEILINGS, effectiveLimits } from "./bundle-limits.js";

test("effectiveLimits: the smaller of the manifest's request and the machine's ceiling", () => {
  // a ceiling lowers what the bundle asks for …
  assert.deepEqual(
    effectiveLimits(
      { maxOperations: 1_000_000, wallClockMs: 30_000, maxOutputBytes: 4096 },
      { maxOperations: 5000, wallClockMs: 2000, maxOutputBytes: 100, memoryMb: 64 },
    ),
    { wallClockMs: 2000, memoryMb: 64, maxOperations: 5000, maxOutputBytes: 100 },
  );
  // … and never raises it
  assert.deepEqual(
    effectiveLimits(
      { maxOperations: 5000, wallClockMs: 2000, maxOutputBytes: 100 },
      { maxOperations: 1_000_000, wallClockMs: 30_000, maxOutputBytes: 4096, memoryMb: 64 },
    ),
    { wallClockMs: 2000, memoryMb: 64, maxOperations: 5000, maxOutputBytes: 100 },
  );
});

test("effectiveLimits: only one side set → that side; neither → the runner default (absent)", () => {
  assert.deepEqual(effectiveLimits({ maxOperations: 70_000_000 }, {}), {
    wallClockMs: DEFAULT_CEILINGS.wallClockMs,
    memoryMb: DEFAULT_CEILINGS.memoryMb,
    maxOperations: 70_000_000,
  });
  assert.deepEqual(effectiveLimits(undefined, { maxOperations: 9, maxOutputBytes: 10 }), {
    wallClockMs: 60_000,
    memoryMb: 256,
    maxOperations: 9,
    maxOutputBytes: 10,
  });
  assert.deepEqual(effectiveLimits(undefined), { wallClockMs: 60_000, memoryMb: 256 });
});

test("effectiveLimits: the built-in wall-clock ceiling applies when the machine sets none", () => {
  assert.equal(effectiveLimits({ wallClockMs: 3_600_000 }).wallClockMs, 60_000);
  assert.equal(effectiveLimits({ wallClockMs: 3_600_000 }, { wallClockMs: 120_000 }).wallClockMs, 120_000);
  assert.equal(effectiveLimits({ wallClockMs: 500 }).wallClockMs, 500);
});

test("effectiveLimits: interpreter-only limits (no manifest field) are the machine's setting", () => {
  const l = effectiveLimits(
    { maxOperations: 10 },
    { maxHostCalls: 3, maxCallLevels: 8, maxStringSize: 1024, maxArraySize: 5, maxMapSize: 6 },
  );
  assert.deepEqual(l, {
    wallClockMs: 60_000,
    memoryMb: 256,
    maxOperations: 10,
    maxHostCalls: 3,
    maxCallLevels: 8,
    maxStringSize: 1024,
    maxArraySize: 5,
    maxMapSize: 6,
  });
});

test("effectiveLimits: a ceiling of 0 (the interpreter's 'unlimited') or a non-integer is refused", () => {
  for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
    assert.throws(
      () => effectiveLimits({ maxOperations: 5 }, { maxOperations: bad }),
      (e: unknown) => isSigrunError(e) && e.code === "USAGE" && /maxOperations/.test(e.message),
      String(bad),
    );
  }
  assert.throws(
    () => effectiveLimits({}, { memoryMb: 0 }),
    (e: unknown) => isSigrunError(e) && e.code === "USAGE",
  );
  // a manifest that somehow carries 0 is malformed, never "unlimited"
  assert.throws(
    () => effectiveLimits({ wallClockMs: 0 }, {}),
    (e: unknown) => isSigrunError(e) && e.code === "BUNDLE_MALFORMED",
  );
});
