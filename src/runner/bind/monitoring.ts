import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import type { LogLevel, ScriptLog } from "../logs.js";
import type { Monitoring } from "../monitoring.js";
import type { MetricUnit } from "../output.js";
import { type Binder, data, str } from "./binder.js";

/** `info/warn/error/trace(msg)` to the log with the calling line; alarms and metrics builders. */
export function bindMonitoring(b: Binder, log: ScriptLog, mon: Monitoring): void {
  for (const [fn, level] of [
    ["info", "INFO"],
    ["warn", "WARN"],
    ["error", "ERROR"],
    ["trace", "TRACE"],
  ] as Array<[string, LogLevel]>) {
    b.fn(fn, ["string"], ([m], c) => {
      log.add(level, str(m), c.position?.line ?? 0);
    });
  }

  type Alarm = { type?: string; details?: string };
  b.type("AlarmBuilder", {
    methods: {
      type: [
        {
          params: ["string"],
          fn: ([a, t]) => V.custom("AlarmBuilder", { ...data<Alarm>(a, "AlarmBuilder"), type: str(t) }),
        },
      ],
      details: [
        {
          params: ["string"],
          fn: ([a, d]) => V.custom("AlarmBuilder", { ...data<Alarm>(a, "AlarmBuilder"), details: str(d) }),
        },
      ],
      publish: [
        {
          params: [],
          fn: ([a]) => {
            const d = data<Alarm>(a, "AlarmBuilder");
            if (d.type === undefined) throw new Error("Invalid arguments: `alarm_type` must be initialized");
            mon.addAlarm(d.type, d.details);
            return undefined;
          },
        },
      ],
    },
  });
  b.fn("AlarmBuilder", [], () => V.custom("AlarmBuilder", {}));

  const units: MetricUnit[] = ["UNDEFINED", "COUNT", "TIME", "MEGABYTES", "PERCENT"];
  b.module("MetricUnitType", { constants: Object.fromEntries(units.map((u) => [u, V.str(u)])) });
  type Metric = { name?: string; value?: number; unit?: MetricUnit; dims?: Record<string, string> };
  const md = (v: Value) => data<Metric>(v, "MetricBuilder");
  const set = (v: Value, patch: Metric) => V.custom("MetricBuilder", { ...md(v), ...patch });
  b.type("MetricBuilder", {
    methods: {
      name: [{ params: ["string"], fn: ([m, n]) => set(m, { name: str(n) }) }],
      value: [
        { params: ["f64"], fn: ([m, x]) => set(m, { value: V.asNumber(x!) }) },
        { params: ["i64"], fn: ([m, x]) => set(m, { value: V.asNumber(x!) }) },
      ],
      unit: [
        {
          params: ["string"],
          fn: ([m, u]) => {
            const unit = str(u) as MetricUnit;
            if (!units.includes(unit)) throw new Error(`Invalid arguments: unknown metric unit ${unit}`);
            return set(m, { unit });
          },
        },
      ],
      dimensions: [
        {
          params: ["map"],
          fn: ([m, d]) => {
            const dims: Record<string, string> = {};
            for (const [k, v] of d as Map<string, Value>) dims[k] = V.toDisplay(v);
            return set(m, { dims });
          },
        },
      ],
      publish: [
        {
          params: [],
          fn: ([m]) => {
            const d = md(m);
            if (d.name === undefined) throw new Error("Invalid arguments: `metric_name` must be initialized");
            mon.addMetric(d.name, d.value ?? 0, d.unit ?? "UNDEFINED", d.dims ?? {});
            return undefined;
          },
        },
      ],
    },
  });
  b.fn("MetricBuilder", [], () => V.custom("MetricBuilder", {}));
  b.type("MetricDimensionsBuilder", {
    methods: {
      add: [
        {
          params: ["string", "string"],
          fn: ([d, k, v]) =>
            V.custom(
              "MetricDimensionsBuilder",
              new Map([...data<Map<string, string>>(d, "MetricDimensionsBuilder"), [str(k), str(v)]]),
            ),
        },
      ],
      build: [
        {
          params: [],
          fn: ([d]) => {
            const m = new Map<string, Value>();
            for (const [k, v] of data<Map<string, string>>(d, "MetricDimensionsBuilder")) m.set(k, V.str(v));
            return V.map(m);
          },
        },
      ],
    },
  });
  b.fn("MetricDimensionsBuilder", [], () => V.custom("MetricDimensionsBuilder", new Map<string, string>()));
}
