/**
 * Prometheus text metrics of one relay node: counters, gauges and histograms with low-cardinality labels
 * (reason, code) only — never session ids, IPs or sizes of individual payloads.
 */
export class RelayMetrics {
  #counters = new Map<string, number>();
  #gauges = new Map<string, () => number>();
  #hists = new Map<string, { bounds: number[]; counts: number[]; sum: number; n: number }>();
  #help = new Map<string, string>();

  constructor() {
    const c = (name: string, help: string) => this.#help.set(name, `counter ${help}`);
    c("sigrun_relay_connections_total", "websocket connections accepted");
    c("sigrun_relay_connections_rejected_total", "connections refused before or at hello");
    c("sigrun_relay_sessions_created_total", "sessions created on this node");
    c("sigrun_relay_sessions_joined_total", "sessions joined on this node");
    c("sigrun_relay_sessions_resumed_total", "roles resumed on this node");
    c("sigrun_relay_sessions_closed_total", "sessions ended as seen by a peer on this node");
    c("sigrun_relay_frames_forwarded_total", "data frames accepted for forwarding");
    c("sigrun_relay_bytes_forwarded_total", "data bytes accepted for forwarding");
    c("sigrun_relay_errors_total", "error replies sent");
    this.histogram(
      "sigrun_relay_frame_bytes",
      "size of forwarded data frames",
      [64, 256, 1024, 4096, 16384, 65536],
    );
    this.histogram("sigrun_relay_join_wait_seconds", "time from create to join", [1, 5, 15, 60, 300, 900]);
    this.histogram(
      "sigrun_relay_connection_seconds",
      "lifetime of websocket connections",
      [1, 10, 60, 300, 1800, 3600],
    );
  }

  inc(name: string, labels?: Record<string, string>, by = 1): void {
    const key = labels ? `${name}{${labelText(labels)}}` : name;
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + by);
  }

  gauge(name: string, help: string, read: () => number): void {
    this.#help.set(name, `gauge ${help}`);
    this.#gauges.set(name, read);
  }

  histogram(name: string, help: string, bounds: number[]): void {
    this.#help.set(name, `histogram ${help}`);
    this.#hists.set(name, { bounds, counts: bounds.map(() => 0), sum: 0, n: 0 });
  }

  observe(name: string, value: number): void {
    const h = this.#hists.get(name);
    if (!h) return;
    h.n++;
    h.sum += value;
    for (let i = 0; i < h.bounds.length; i++) if (value <= (h.bounds[i] as number)) (h.counts[i] as number)++;
  }

  /** Current value of a counter (tests). */
  counter(name: string, labels?: Record<string, string>): number {
    return this.#counters.get(labels ? `${name}{${labelText(labels)}}` : name) ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, help] of this.#help) {
      const [type, ...text] = help.split(" ");
      lines.push(`# HELP ${name} ${text.join(" ")}`, `# TYPE ${name} ${type}`);
      if (type === "counter") {
        let any = false;
        for (const [k, v] of this.#counters) {
          if (k === name || k.startsWith(`${name}{`)) {
            lines.push(`${k} ${v}`);
            any = true;
          }
        }
        if (!any) lines.push(`${name} 0`);
      } else if (type === "gauge") {
        lines.push(`${name} ${this.#gauges.get(name)?.() ?? 0}`);
      } else {
        const h = this.#hists.get(name);
        if (!h) continue;
        for (let i = 0; i < h.bounds.length; i++)
          lines.push(`${name}_bucket{le="${h.bounds[i]}"} ${h.counts[i]}`);
        lines.push(`${name}_bucket{le="+Inf"} ${h.n}`, `${name}_sum ${h.sum}`, `${name}_count ${h.n}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, "_")}"`)
    .join(",");
}
