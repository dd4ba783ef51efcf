import { randomInt } from "node:crypto";
import { HostError } from "./errors.js";

/** Rex's `DateTime` (UTC calendar fields; `nanosecond` kept separately). */
export interface DateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
}

export type DateTimeFormat = "RFC3339" | "RFC2822";

const MONTHS = [
  ["January", "Jan"],
  ["February", "Feb"],
  ["March", "Mar"],
  ["April", "Apr"],
  ["May", "May"],
  ["June", "Jun"],
  ["July", "Jul"],
  ["August", "Aug"],
  ["September", "Sep"],
  ["October", "Oct"],
  ["November", "Nov"],
  ["December", "Dec"],
] as const;
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const cuErr = (kind: string, message: string) => new HostError(kind, message, "CommonUtilsErrorKind");
/** The `time` crate's range: years -9999..=9999. */
const MAX_EPOCH = 253402300799;
const MIN_EPOCH = -377705116800;

export function fromEpochSeconds(s: number): DateTime {
  if (!Number.isSafeInteger(s) || s > MAX_EPOCH || s < MIN_EPOCH) {
    throw cuErr("Other", "Component range error: timestamp out of range");
  }
  const d = new Date(s * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanosecond: 0,
  };
}

export function fromEpochNanos(secs: number, nanos: number): DateTime {
  if (!(nanos >= 0 && nanos <= 999_999_999)) {
    throw cuErr("InvalidArguments", `Invalid nanos portion: ${nanos}. Must be 0-999,999,999`);
  }
  return { ...fromEpochSeconds(secs), nanosecond: nanos };
}

/** Seconds since the epoch; fails like Rex's conversion when a field is out of range. */
export function epochSeconds(dt: DateTime): number {
  const bad =
    dt.month < 1 ||
    dt.month > 12 ||
    dt.day < 1 ||
    dt.hour > 23 ||
    dt.minute > 59 ||
    dt.second > 59 ||
    dt.nanosecond < 0 ||
    dt.nanosecond > 999_999_999;
  const ms = Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second);
  const back = new Date(ms);
  if (bad || Number.isNaN(ms) || back.getUTCDate() !== dt.day || back.getUTCFullYear() !== dt.year) {
    throw cuErr(
      "Other",
      `Component range error: invalid date or time ${dt.year}-${dt.month}-${dt.day} ${dt.hour}:${dt.minute}:${dt.second}`,
    );
  }
  return Math.floor(ms / 1000);
}

export function now(): DateTime {
  return fromEpochSeconds(Math.floor(Date.now() / 1000));
}

export function nowNanos(): DateTime {
  const ns = process.hrtime.bigint();
  const wall = BigInt(Date.now()) * 1_000_000n + (ns % 1_000_000n);
  return fromEpochNanos(Number(wall / 1_000_000_000n), Number(wall % 1_000_000_000n));
}

const p2 = (n: number) => String(n).padStart(2, "0");

function yearText(y: number): string {
  return y < 0 ? `-${String(-y).padStart(4, "0")}` : String(y).padStart(4, "0");
}

/** `dt.to_string(DateTimeFormat)`: RFC 3339 (`Z`, fraction only when non-zero) or RFC 2822 (`+0000`). */
export function format(dt: DateTime, f: DateTimeFormat): string {
  const s = epochSeconds(dt);
  const d = new Date(s * 1000);
  if (f === "RFC3339") {
    if (dt.year < 0 || dt.year > 9999)
      throw cuErr("FormatError", "Failed to format datetime as RFC3339: year out of range");
    const frac = dt.nanosecond === 0 ? "" : `.${String(dt.nanosecond).padStart(9, "0").replace(/0+$/, "")}`;
    return `${yearText(dt.year)}-${p2(dt.month)}-${p2(dt.day)}T${p2(dt.hour)}:${p2(dt.minute)}:${p2(dt.second)}${frac}Z`;
  }
  if (dt.year < 1900) throw cuErr("FormatError", "Failed to format datetime as RFC2822: year out of range");
  return `${DAYS[d.getUTCDay()]}, ${p2(dt.day)} ${MONTHS[dt.month - 1]![1]} ${dt.year} ${p2(dt.hour)}:${p2(dt.minute)}:${p2(dt.second)} +0000`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const RFC2822 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|UT|GMT|Z)$/;

/** `parse_datetime(text, DateTimeFormat)`: the instant, converted to UTC fields. */
export function parse(text: string, f: DateTimeFormat): DateTime {
  const fail = () => cuErr("ParseError", `Failed to parse ${f} datetime from '${text}': invalid format`);
  if (f === "RFC3339") {
    const m = RFC3339.exec(text);
    if (!m) throw fail();
    const [, y, mo, d, h, mi, s, fr, off] = m;
    const base: DateTime = {
      year: +y!,
      month: +mo!,
      day: +d!,
      hour: +h!,
      minute: +mi!,
      second: +s!,
      nanosecond: 0,
    };
    let secs: number;
    try {
      secs = epochSeconds(base);
    } catch {
      throw fail();
    }
    if (off !== "Z" && off !== "z") {
      const sign = off!.startsWith("-") ? -1 : 1;
      secs -= sign * (Number(off!.slice(1, 3)) * 3600 + Number(off!.slice(4, 6)) * 60);
    }
    const ns = fr ? Number(fr.slice(1).padEnd(9, "0")) : 0;
    return { ...fromEpochSeconds(secs), nanosecond: ns };
  }
  const m = RFC2822.exec(text.trim());
  if (!m) throw fail();
  const [, d, mon, y, h, mi, s, off] = m;
  const base: DateTime = {
    year: +y!,
    month: MONTHS.findIndex(([, short]) => short === mon) + 1,
    day: +d!,
    hour: +h!,
    minute: +mi!,
    second: s === undefined ? 0 : +s,
    nanosecond: 0,
  };
  let secs: number;
  try {
    secs = epochSeconds(base);
  } catch {
    throw fail();
  }
  if (/^[+-]/.test(off!)) {
    const sign = off!.startsWith("-") ? -1 : 1;
    secs -= sign * (Number(off!.slice(1, 3)) * 3600 + Number(off!.slice(3, 5)) * 60);
  }
  return fromEpochSeconds(secs);
}

export function monthName(dt: DateTime, short: boolean): string {
  const m = MONTHS[dt.month - 1];
  if (!m) throw cuErr("InvalidArguments", `Invalid month: ${dt.month}. Must be 1-12`);
  return short ? m[1] : m[0];
}

/** Orders two DateTimes (epoch seconds, then nanoseconds), as Rex's `Ord`. */
export function compare(a: DateTime, b: DateTime): number {
  const d = epochSeconds(a) - epochSeconds(b);
  return d !== 0 ? Math.sign(d) : Math.sign(a.nanosecond - b.nanosecond);
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** Longest string `random_alphanumeric` makes (Rex has no cap). */
export const MAX_RANDOM_LENGTH = 1 << 20;

/** `random_alphanumeric(n)`: n characters from [A-Za-z0-9] (CSPRNG); a negative n gives 16, as Rex. */
export function randomAlphanumeric(length: bigint): string {
  const n = length < 0n ? 16 : Number(length);
  if (n > MAX_RANDOM_LENGTH) {
    throw cuErr("InvalidArguments", `random_alphanumeric: length ${length} exceeds ${MAX_RANDOM_LENGTH}`);
  }
  let out = "";
  for (let i = 0; i < n; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}
