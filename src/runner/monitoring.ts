import type { MetricUnit, RexAlarm, RexMetric } from "./output.js";

export const MAX_ALARMS = 1000;
export const MAX_METRICS = 1000;

/** Alarms (in order) and metrics (one per name, latest wins) of one run. */
export class Monitoring {
  readonly alarms: RexAlarm[] = [];
  private readonly metrics = new Map<string, RexMetric>();

  addAlarm(type: string, details?: string): void {
    if (this.alarms.length >= MAX_ALARMS) return;
    const a: RexAlarm = { alarm_type: type };
    if (details !== undefined) a.alarm_details = details;
    this.alarms.push(a);
  }

  addMetric(name: string, value: number, unit: MetricUnit, dimension: Record<string, string> = {}): void {
    if (!this.metrics.has(name) && this.metrics.size >= MAX_METRICS) return;
    this.metrics.set(name, {
      metric_name: name,
      metric_value: value,
      metric_unit: unit,
      metric_dimension: dimension,
      metric_timestamp: new Date().toISOString(),
    });
  }

  metricList(): RexMetric[] {
    return [...this.metrics.values()];
  }

  /** Rex refuses script metrics/alarms named `rex…` (any case): the run then ends with exit 1. */
  reservedName(): string | undefined {
    for (const a of this.alarms) if (/^rex/i.test(a.alarm_type)) return `alarm '${a.alarm_type}'`;
    for (const m of this.metrics.keys()) if (/^rex/i.test(m)) return `metric '${m}'`;
    return undefined;
  }
}
