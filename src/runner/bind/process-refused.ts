import type { HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import { HostError } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { type Binder, data } from "./binder.js";
import { builder, built } from "./builders.js";

const pm = (v: Value) => data<h.ProcessManager>(v, "ProcessManager");

/** Rex's `i64 => u32` setter conversion (a plain error). */
function u32(v: unknown, what: string): number {
  const n = v as bigint;
  if (n < 0n || n > 0xffffffffn)
    throw new HostError(
      "Other",
      `Parameter conversion failed for ${what}: out of range integral type conversion attempted`,
      "ProcessErrorKind",
      true,
    );
  return Number(n);
}

/** `ProcessManager.trace` (with or without `TraceOptions`) and `.nsenter`: gated, then refused (host/sys/process-refused.ts). */
export function bindProcessRefused(b: Binder, ctx: HostContext): void {
  builder(b, "TraceOptions", { ns_pid: "i64" }, { required: ["ns_pid"] });
  builder(b, "NamespaceOptions", { mount: "bool", net: "bool", pid: "i64", net_ns_name: "string" });
  b.type("ProcessManager", {
    methods: {
      trace: [
        { params: ["i64"], fn: ([m, p]) => h.traceProcess(ctx, pm(m!), u32(p, "pid")) },
        {
          params: ["i64", "TraceOptions"],
          fn: ([m, p, o]) =>
            h.traceProcess(ctx, pm(m!), u32(p, "pid"), u32(built(o, "TraceOptions").ns_pid, "ns_pid")),
        },
      ],
      nsenter: [
        {
          params: ["NamespaceOptions", "Fn"],
          fn: ([m, o]) => {
            const d = built(o, "NamespaceOptions");
            return h.nsenter(ctx, pm(m!), {
              mount: d.mount === true,
              net: d.net === true,
              ...(d.pid === undefined ? {} : { pid: u32(d.pid, "pid") }),
              ...(d.net_ns_name === undefined ? {} : { net_ns_name: d.net_ns_name as string }),
            });
          },
        },
      ],
    },
  });
}
