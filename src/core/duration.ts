import { SigrunError } from "./errors.js";

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION_RE = /^(?:(\d{1,9})(ms|s|m|h|d|w))+$/;
const PART_RE = /(\d{1,9})(ms|s|m|h|d|w)/g;

/** Parses `90s`, `15m`, `1h30m`, `7d` into milliseconds. */
export function parseDuration(text: string, field = "duration"): number {
  if (!DURATION_RE.test(text)) {
    throw new SigrunError(
      "INPUT_INVALID",
      `${field}: expected a duration such as 30s, 15m, 1h or 7d, got ${JSON.stringify(text)}`,
    );
  }
  let total = 0;
  for (const m of text.matchAll(PART_RE)) total += Number(m[1]) * UNITS[m[2]!]!;
  if (!Number.isSafeInteger(total) || total <= 0)
    throw new SigrunError("INPUT_INVALID", `${field}: out of range`);
  return total;
}

/** Parses an RFC 3339 timestamp or a Unix time in seconds (`@1700000000`) into milliseconds. */
export function parseTime(text: string, field = "time"): number {
  if (/^@\d{1,12}$/.test(text)) return Number(text.slice(1)) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/.test(text)) {
    throw new SigrunError(
      "INPUT_INVALID",
      `${field}: expected an RFC 3339 time such as 2026-01-02T03:04:05Z`,
    );
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new SigrunError("INPUT_INVALID", `${field}: invalid time ${JSON.stringify(text)}`);
  return ms;
}

/** RFC 3339 UTC with second precision. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
