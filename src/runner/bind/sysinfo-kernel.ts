import type { HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import { HostError } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";
import { builder, built } from "./builders.js";
import { styled } from "./sysinfo-more.js";

type Kind = "int" | "float" | "string";
type Fields<T> = Record<string, [Kind, (d: T) => unknown]>;

const toRhai = (kind: Kind, x: unknown): Value =>
  kind === "int" ? V.int(x as number) : kind === "float" ? V.float(x as number) : V.str(x as string);

function typed<T>(
  b: Binder,
  type: string,
  fields: Fields<T>,
  extra: { toString?: (d: T) => string } = {},
): void {
  const getters: Record<string, (v: Value) => Value> = {};
  for (const [name, [kind, get]] of Object.entries(fields))
    getters[name] = (v) => toRhai(kind, get(data<T>(v, type)));
  b.type(type, {
    getters,
    methods: { to_map: [{ params: [], fn: ([v]) => mapOf(fields, data<T>(v!, type)) }] },
    ...(extra.toString ? { toString: (v: Value) => extra.toString!(data<T>(v, type)) } : {}),
  });
}

function mapOf<T>(fields: Fields<T>, d: T): Value {
  return V.map(
    Object.fromEntries(Object.entries(fields).map(([k, [kind, get]]) => [k, toRhai(kind, get(d))])),
  );
}

const CPU_FIELDS: Fields<h.CpuTime> = Object.fromEntries(
  ["ticks", "ms"].flatMap((unit) =>
    h.CPU_TIME_FIELDS.map((n): [string, [Kind, (d: h.CpuTime) => unknown]] => [
      `${n}_${unit}`,
      ["int", (d) => (d as unknown as Record<string, number>)[`${n}_${unit}`]],
    ]),
  ),
);
const int = <T>(k: keyof T): [Kind, (d: T) => unknown] => ["int", (d) => d[k]];
const float = <T>(k: keyof T): [Kind, (d: T) => unknown] => ["float", (d) => d[k]];

/** Serialized `SlabEntry` (Rex's serde: the stored fields only). */
const ENTRY_FIELDS: Fields<h.SlabEntry> = {
  name: ["string", (d) => d.name],
  objs: int("objs"),
  active: int("active"),
  obj_size_bytes: int("obj_size_bytes"),
  slabs: int("slabs"),
  obj_per_slab: int("obj_per_slab"),
  pages_per_slab: int("pages_per_slab"),
};
const SUMMARY_FIELDS: Fields<h.SlabSummary> = {
  active_objects: int("active_objects"),
  total_objects: int("total_objects"),
  objects_usage_percent: float("objects_usage_percent"),
  active_slabs: int("active_slabs"),
  total_slabs: int("total_slabs"),
  slabs_usage_percent: float("slabs_usage_percent"),
  active_caches: int("active_caches"),
  total_caches: int("total_caches"),
  caches_usage_percent: float("caches_usage_percent"),
  active_size_kb: float("active_size_kb"),
  total_size_kb: float("total_size_kb"),
  size_usage_percent: float("size_usage_percent"),
  min_obj_size_kb: float("min_obj_size_kb"),
  avg_obj_size_kb: float("avg_obj_size_kb"),
  max_obj_size_kb: float("max_obj_size_kb"),
};

const cpuValue = (c: h.CpuTime): Value => V.custom("CpuTime", c);
const entryValue = (e: h.SlabEntry): Value => V.custom("SlabEntry", e);

/** `SystemInfo().kernel_stats()`, `.slab_info()`, `.resolve_hostname(ResolveOptions)`, `SysctlManager().load_system()`. */
export function bindSysinfoKernel(b: Binder, ctx: HostContext): void {
  typed(b, "CpuTime", CPU_FIELDS);
  b.type("KernelStats", {
    getters: {
      total_cpu_time: (v) => cpuValue(data<h.KernelStats>(v, "KernelStats").total_cpu_time),
      cpu_time: (v) => V.array(data<h.KernelStats>(v, "KernelStats").cpu_time.map(cpuValue)),
      procs_running: (v) => V.int(data<h.KernelStats>(v, "KernelStats").procs_running),
      procs_blocked: (v) => V.int(data<h.KernelStats>(v, "KernelStats").procs_blocked),
      context_switches: (v) => V.int(data<h.KernelStats>(v, "KernelStats").context_switches),
      boot_time: (v) => V.int(data<h.KernelStats>(v, "KernelStats").boot_time),
      forks: (v) => V.int(data<h.KernelStats>(v, "KernelStats").forks),
    },
    methods: {
      to_map: [
        {
          params: [],
          fn: ([v]) => {
            const k = data<h.KernelStats>(v!, "KernelStats");
            return V.map({
              total_cpu_time: mapOf(CPU_FIELDS, k.total_cpu_time),
              cpu_time: V.array(k.cpu_time.map((c) => mapOf(CPU_FIELDS, c))),
              procs_running: V.int(k.procs_running),
              procs_blocked: V.int(k.procs_blocked),
              context_switches: V.int(k.context_switches),
              boot_time: V.int(k.boot_time),
              forks: V.int(k.forks),
            });
          },
        },
      ],
    },
  });

  typed(b, "SlabEntry", {
    ...ENTRY_FIELDS,
    use_percent: ["int", h.slabUsePercent],
    obj_size_kb: ["float", h.slabObjSizeKb],
    cache_size_kb: ["int", h.slabCacheSizeKb],
    active_size_kb: ["float", h.slabActiveSizeKb],
  });
  typed(b, "SlabSummary", SUMMARY_FIELDS, { toString: h.slabSummaryText });
  b.type("SlabInfo", {
    getters: {
      slabs: (v) => V.array(data<h.SlabInfo>(v, "SlabInfo").slabs.map(entryValue)),
      summary: (v) => V.custom("SlabSummary", data<h.SlabInfo>(v, "SlabInfo").summary),
    },
    methods: {
      to_map: [
        {
          params: [],
          fn: ([v]) => {
            const s = data<h.SlabInfo>(v!, "SlabInfo");
            return V.map({
              slabs: V.array(s.slabs.map((e) => mapOf(ENTRY_FIELDS, e))),
              summary: mapOf(SUMMARY_FIELDS, s.summary),
            });
          },
        },
      ],
    },
  });

  builder(
    b,
    "ResolveOptions",
    { hostname: "string", protocol: "any", resolver: "string", timeout: "i64" },
    { required: ["hostname"] },
  );
  b.type("SystemInfo", {
    methods: {
      kernel_stats: [
        {
          params: [],
          fn: () =>
            V.custom(
              "KernelStats",
              styled(false, () => h.kernelStats(ctx)),
            ),
        },
      ],
      slab_info: [
        {
          params: [],
          fn: () =>
            V.custom(
              "SlabInfo",
              styled(false, () => h.slabInfo(ctx)),
            ),
        },
      ],
      resolve_hostname: [
        {
          params: ["ResolveOptions"],
          fn: ([, o]) => {
            const d = built(o, "ResolveOptions");
            const timeout = d.timeout as bigint | undefined;
            if (timeout !== undefined && (timeout < 0n || timeout > BigInt(Number.MAX_SAFE_INTEGER)))
              throw new HostError(
                "Other",
                "Parameter conversion failed for timeout: out of range integral type conversion attempted",
                "SysteminfoErrorKind",
                true,
              );
            const opts: h.ResolveOptions = {
              hostname: str(d.hostname as Value),
              ...(d.protocol === undefined
                ? {}
                : { protocol: data<h.TransportProtocol>(d.protocol as Value, "TransportProtocol") }),
              ...(d.resolver === undefined ? {} : { resolver: d.resolver as string }),
              ...(timeout === undefined ? {} : { timeout: Number(timeout) }),
            };
            return V.array(styled(false, () => h.resolveHostname(ctx, opts)).map(V.str));
          },
        },
      ],
    },
  });
  b.type("SysctlManager", {
    methods: {
      load_system: [
        {
          params: [],
          fn: () => {
            styled(false, () => h.sysctlLoadSystem(ctx));
            return undefined;
          },
        },
      ],
    },
  });
}
