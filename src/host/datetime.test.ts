import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import {
  compare,
  epochSeconds,
  format,
  fromEpochNanos,
  fromEpochSeconds,
  parse,
  randomAlphanumeric,
} from "./datetime.js";

const GNU_DATE = spawnSync("date", ["--version"], { encoding: "utf8" }).stdout?.includes("GNU") === true;

test("DateTime formatting matches GNU date (RFC 3339 and RFC 2822, UTC)", (t) => {
  if (!GNU_DATE) {
    if (process.env.CI) assert.fail("GNU date is required in CI");
    return t.skip("GNU date not available");
  }
  for (const s of [0, 951782400, 1705314600, 2147483647, 4102444799, -86400 * 365]) {
    const d = fromEpochSeconds(s);
    const r2822 = spawnSync("date", ["-u", "-R", "-d", `@${s}`], { encoding: "utf8" }).stdout.trim();
    const r3339 = spawnSync("date", ["-u", "+%Y-%m-%dT%H:%M:%SZ", "-d", `@${s}`], {
      encoding: "utf8",
    }).stdout.trim();
    assert.equal(format(d, "RFC2822"), r2822, `RFC2822 of ${s}`);
    assert.equal(format(d, "RFC3339"), r3339, `RFC3339 of ${s}`);
    assert.equal(epochSeconds(d), s);
    assert.equal(parse(r2822, "RFC2822").year, d.year);
    assert.equal(epochSeconds(parse(r3339, "RFC3339")), s);
  }
});

test("DateTime parsing, offsets, nanoseconds and ordering", () => {
  const p = parse("2024-01-15T12:30:00.25+02:00", "RFC3339");
  assert.deepEqual(p, {
    year: 2024,
    month: 1,
    day: 15,
    hour: 10,
    minute: 30,
    second: 0,
    nanosecond: 250_000_000,
  });
  assert.equal(format(p, "RFC3339"), "2024-01-15T10:30:00.25Z");
  assert.throws(() => parse("2024-13-01T00:00:00Z", "RFC3339"), /ParseError|Failed to parse/);
  assert.throws(() => fromEpochNanos(0, 1_000_000_000), /Invalid nanos portion/);
  assert.throws(() =>
    epochSeconds({ year: 2023, month: 2, day: 29, hour: 0, minute: 0, second: 0, nanosecond: 0 }),
  );
  assert.equal(compare(fromEpochNanos(5, 1), fromEpochNanos(5, 2)), -1);
  assert.equal(compare(fromEpochSeconds(6), fromEpochNanos(5, 999)), 1);
});

test("random_alphanumeric: length, alphabet, negative length gives 16", () => {
  const s = randomAlphanumeric(200n);
  assert.equal(s.length, 200);
  assert.match(s, /^[A-Za-z0-9]+$/);
  assert.notEqual(randomAlphanumeric(32n), randomAlphanumeric(32n));
  assert.equal(randomAlphanumeric(-1n).length, 16);
  assert.equal(randomAlphanumeric(0n), "");
});
