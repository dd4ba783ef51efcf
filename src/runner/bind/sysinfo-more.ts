import type { HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import { HostError } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";
import { builder, built } from "./builders.js";
import { getters, toValue } from "./system.js";

/** Rex's command-style calls fail with the error's text; its object API with a SysteminfoErrorKind map. */
export function styled<T>(plain: boolean, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof HostError)) throw err;
    if (plain) throw new HostError(err.kind, err.message, err.source, true);
    if (err.source === "SysteminfoErrorKind") throw err;
    // a safe-io failure inside the system-info SDK is reported as kind Other
    throw new HostError("Other", err.message, "SysteminfoErrorKind");
  }
}

const dmesgValue = (e: h.DmesgEntry): Value => V.custom("DmesgEntry", e);
const entryMap = (e: h.SysctlEntry): Value => V.map({ key: V.str(e.key), value: V.str(e.value) });

/** dmesg, sysctl_* and the `SystemInfo()` / `SysctlManager()` objects (`rhai-safe-system-info`). */
export function bindSysinfoMore(b: Binder, ctx: HostContext): void {
  b.type("DmesgEntry", {
    getters: getters(["timestamp_from_system_start", "message"], "DmesgEntry"),
    methods: { to_map: [{ params: [], fn: ([v]) => toValue(data(v, "DmesgEntry")) }] },
    toString: (v) => {
      const e = data<h.DmesgEntry>(v, "DmesgEntry");
      return `[${e.timestamp_from_system_start}] ${e.message}`;
    },
  });
  b.fn("dmesg", [], () => V.array(styled(true, () => h.dmesg(ctx, {}, true)).map(dmesgValue)));
  b.fn("sysctl_read", ["string"], ([k]) => V.str(styled(true, () => h.sysctlRead(ctx, str(k!)))));
  b.fn("sysctl_write", ["string", "string"], ([k, v]) => {
    styled(true, () => h.sysctlWrite(ctx, str(k!), str(v!)));
  });
  b.fn("sysctl_find", ["string"], ([p]) =>
    V.array(styled(true, () => h.sysctlFind(ctx, str(p!))).map(entryMap)),
  );

  const memFields = ["total", "free", "available", "used", "buffers", "cached", "shared_mem"];
  b.type("Meminfo", {
    getters: getters(memFields, "Meminfo"),
    methods: { to_map: [{ params: [], fn: ([v]) => toValue(data(v, "Meminfo")) }] },
    toString: (v) => h.meminfoText(data(v, "Meminfo")),
  });
  b.type("Swapinfo", {
    getters: getters(["total", "free", "used"], "Swapinfo"),
    methods: { to_map: [{ params: [], fn: ([v]) => toValue(data(v, "Swapinfo")) }] },
    toString: (v) => h.swapinfoText(data(v, "Swapinfo")),
  });
  builder(b, "DmesgOptions", { human_readable_time: "bool" });
  b.fn("SystemInfo", [], () => {
    styled(false, () => h.systemInfo());
    return V.custom("SystemInfo", {});
  });
  b.type("SystemInfo", {
    methods: {
      hostname: [{ params: [], fn: () => V.str(styled(false, () => h.sysHostname(ctx))) }],
      cpu_count: [{ params: [], fn: () => V.int(styled(false, () => h.cpuCount(ctx))) }],
      uname_info: [
        {
          params: [],
          fn: () =>
            V.custom(
              "UnameInfo",
              styled(false, () => h.unameInfo(ctx)),
            ),
        },
      ],
      memory_info: [
        {
          params: [],
          fn: () =>
            V.custom(
              "Meminfo",
              styled(false, () => h.memoryInfo(ctx)),
            ),
        },
      ],
      swap_info: [
        {
          params: [],
          fn: () =>
            V.custom(
              "Swapinfo",
              styled(false, () => h.swapInfo(ctx)),
            ),
        },
      ],
      dmesg_info: [
        {
          params: ["DmesgOptions"],
          fn: ([, o]) => {
            const d = built(o, "DmesgOptions");
            const opts = { humanReadableTime: d.human_readable_time === true };
            return V.array(styled(false, () => h.dmesg(ctx, opts, false)).map(dmesgValue));
          },
        },
      ],
    },
  });

  b.type("SysctlEntry", {
    getters: getters(["key", "value"], "SysctlEntry"),
    methods: { to_map: [{ params: [], fn: ([v]) => entryMap(data(v, "SysctlEntry")) }] },
  });
  b.fn("SysctlManager", [], () => V.custom("SysctlManager", {}));
  b.type("SysctlManager", {
    methods: {
      read: [{ params: ["string"], fn: ([, k]) => V.str(styled(false, () => h.sysctlRead(ctx, str(k!)))) }],
      write: [
        {
          params: ["string", "string"],
          fn: ([, k, v]) => {
            styled(false, () => h.sysctlWrite(ctx, str(k!), str(v!)));
            return undefined;
          },
        },
      ],
      find: [
        {
          params: ["string"],
          fn: ([, p]) =>
            V.array(styled(false, () => h.sysctlFind(ctx, str(p!))).map((e) => V.custom("SysctlEntry", e))),
        },
      ],
    },
  });
}
