import type { DateTime, DateTimeFormat } from "../../host/index.js";
import { datetime as dt } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";
import { bindEnum } from "./enums.js";

const D = (v: Value): DateTime => data<DateTime>(v, "DateTime");
const dtv = (x: DateTime): Value => V.custom("DateTime", x);
const n = (v: Value | undefined): number => Number(V.asBigInt(v!));

/** Rex's common utilities: `DateTime` and its operators, `DateTimeFormat`, `random_alphanumeric`. */
export function bindDateTime(b: Binder): void {
  bindEnum(b, "DateTimeFormat", "DateTimeFormat", { RFC3339: "RFC3339", RFC2822: "RFC2822" });
  const fmt = (v: Value | undefined) => data<DateTimeFormat>(v!, "DateTimeFormat");
  const field = (k: keyof DateTime) => (v: Value) => V.int(D(v)[k]);
  b.type("DateTime", {
    getters: {
      year: field("year"),
      month: field("month"),
      day: field("day"),
      hour: field("hour"),
      minute: field("minute"),
      second: field("second"),
      nanosecond: field("nanosecond"),
    },
    methods: {
      epoch_seconds: [{ params: [], fn: ([v]) => V.int(dt.epochSeconds(D(v!))) }],
      nanos: [{ params: [], fn: ([v]) => V.int(D(v!).nanosecond) }],
      to_string: [{ params: ["DateTimeFormat"], fn: ([v, f]) => V.str(dt.format(D(v!), fmt(f))) }],
      month_str: [{ params: [], fn: ([v]) => V.str(dt.monthName(D(v!), false)) }],
      month_str_short: [{ params: [], fn: ([v]) => V.str(dt.monthName(D(v!), true)) }],
    },
  });
  b.fn("DateTime", ["i64", "i64", "i64", "i64", "i64", "i64", "i64"], (a) =>
    dtv({
      year: n(a[0]),
      month: n(a[1]),
      day: n(a[2]),
      hour: n(a[3]),
      minute: n(a[4]),
      second: n(a[5]),
      nanosecond: n(a[6]),
    }),
  );
  b.fn("from_epoch_seconds", ["i64"], ([s]) => dtv(dt.fromEpochSeconds(n(s))));
  b.fn("from_epoch_nanos", ["i64", "i64"], ([s, ns]) => dtv(dt.fromEpochNanos(n(s), n(ns))));
  b.fn("now", [], () => dtv(dt.now()));
  b.fn("now_nanos", [], () => dtv(dt.nowNanos()));
  b.fn("parse_datetime", ["string", "DateTimeFormat"], ([s, f]) => dtv(dt.parse(str(s!), fmt(f))));
  b.fn("+", ["DateTime", "i64"], ([a, s]) => dtv(dt.fromEpochSeconds(dt.epochSeconds(D(a!)) + n(s))));
  b.fn("-", ["DateTime", "i64"], ([a, s]) => dtv(dt.fromEpochSeconds(dt.epochSeconds(D(a!)) - n(s))));
  b.fn("-", ["DateTime", "DateTime"], ([a, c]) => V.int(dt.epochSeconds(D(a!)) - dt.epochSeconds(D(c!))));
  const cmp = (op: string, ok: (c: number) => boolean) =>
    b.fn(op, ["DateTime", "DateTime"], ([a, c]) => V.bool(ok(dt.compare(D(a!), D(c!)))));
  cmp("==", (c) => c === 0);
  cmp("!=", (c) => c !== 0);
  cmp("<", (c) => c < 0);
  cmp("<=", (c) => c <= 0);
  cmp(">", (c) => c > 0);
  cmp(">=", (c) => c >= 0);
  b.fn("random_alphanumeric", ["i64"], ([l]) => V.str(dt.randomAlphanumeric(V.asBigInt(l!))));
}
