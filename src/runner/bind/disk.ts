import type { HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import { HostError } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data } from "./binder.js";
import { builder, built } from "./builders.js";
import { getters, toValue } from "./system.js";

const FS_FIELDS = [
  "block_used",
  "block_available",
  "inodes",
  "kb_blocks",
  "mb_blocks",
  "iused",
  "ifree",
  "block_use_percent",
  "iuse_percent",
  "fs_device",
  "fs_kind",
  "mounted_on",
  "size",
  "mount_options",
];
const CPU_FIELDS = [
  "user_percent",
  "nice_percent",
  "system_percent",
  "iowait_percent",
  "steal_percent",
  "idle_percent",
];
const DEV_FIELDS = [
  "device_name",
  "rrqm_per_sec",
  "wrqm_per_sec",
  "read_requests_per_sec",
  "write_requests_per_sec",
  "rkb_per_sec",
  "wkb_per_sec",
  "avg_request_size",
  "avg_queue_size",
  "avg_wait",
  "avg_read_wait",
  "avg_write_wait",
  "svctm",
  "util_percent",
];

const FS_FLOATS = new Set(["block_use_percent", "iuse_percent"]);

/** `to_map()` (serde): Rex's f64 fields stay floats even when whole, u64 fields are INT. */
function floatsOf(x: Record<string, unknown>, fields: string[], floats?: Set<string>): Value {
  const m = new Map<string, Value>();
  for (const f of fields) {
    const v = x[f];
    const isFloat = typeof v === "number" && (floats === undefined || floats.has(f));
    m.set(f, isFloat ? V.float(v) : toValue(v));
  }
  return V.map(m);
}

function fsValue(f: h.Filesystem): Value {
  return V.custom("Filesystem", f);
}
function snapshotValue(s: h.IoStatSnapshot): Value {
  return V.custom("IoStatSnapshot", s);
}

/** Rex's disk-info SDK (`rhai-safe-disk-info`): df, iostat, lsblk, Filesystems, format_bytes, unmount. */
export function bindDisk(b: Binder, ctx: HostContext): void {
  b.module("Unit", {
    constants: {
      BYTES: V.custom("Unit", "BYTES"),
      KILOBYTES: V.custom("Unit", "KILOBYTES"),
      MEGABYTES: V.custom("Unit", "MEGABYTES"),
    },
  });
  b.type("Unit", { toString: (v) => data<string>(v, "Unit") });

  const floatGetter = (type: string, f: string) => (v: Value) =>
    V.float(data<Record<string, number>>(v, type)[f]!);
  const fsGetters = getters(FS_FIELDS, "Filesystem");
  fsGetters.block_use_percent = floatGetter("Filesystem", "block_use_percent");
  fsGetters.iuse_percent = floatGetter("Filesystem", "iuse_percent");
  b.type("Filesystem", {
    getters: fsGetters,
    methods: {
      to_map: [{ params: [], fn: ([v]) => floatsOf(data(v, "Filesystem"), FS_FIELDS, FS_FLOATS) }],
    },
  });
  b.type("CpuStats", {
    getters: Object.fromEntries(CPU_FIELDS.map((f) => [f, floatGetter("CpuStats", f)])),
    methods: { to_map: [{ params: [], fn: ([v]) => floatsOf(data(v, "CpuStats"), CPU_FIELDS) }] },
  });
  b.type("DeviceStats", {
    getters: {
      ...Object.fromEntries(DEV_FIELDS.map((f) => [f, floatGetter("DeviceStats", f)])),
      device_name: (v) => V.str(data<h.DeviceStats>(v, "DeviceStats").device_name),
    },
    methods: { to_map: [{ params: [], fn: ([v]) => floatsOf(data(v, "DeviceStats"), DEV_FIELDS) }] },
  });
  const snap = (v: Value) => data<h.IoStatSnapshot>(v, "IoStatSnapshot");
  b.type("IoStatSnapshot", {
    getters: {
      cpu_stats: (v) => V.custom("CpuStats", snap(v).cpu_stats),
      device_stats: (v) => V.array(snap(v).device_stats.map((d) => V.custom("DeviceStats", d))),
    },
    methods: {
      to_string: [{ params: [], fn: ([v]) => V.str(h.iostatText(snap(v))) }],
      to_map: [
        {
          params: [],
          fn: ([v]) =>
            V.map({
              cpu_stats: floatsOf(snap(v).cpu_stats as never, CPU_FIELDS),
              device_stats: V.array(snap(v).device_stats.map((d) => floatsOf(d as never, DEV_FIELDS))),
            }),
        },
      ],
    },
    toString: (v) => h.iostatText(snap(v)),
  });

  builder(b, "FilesystemOptions", { targets: "array", local: "bool" });
  b.type("Filesystems", {
    methods: {
      filesystems: [
        {
          params: [],
          fn: ([f]) => {
            const o = data<{ targets?: Value[]; local?: boolean }>(f, "Filesystems");
            const targets = (o.targets ?? []).map((t) => (typeof t === "string" ? t : V.toDisplay(t)));
            return V.array(h.filesystems(ctx, { targets, local: o.local }, { plain: false }).map(fsValue));
          },
        },
      ],
      iostat: [{ params: [], fn: () => snapshotValue(h.iostat(ctx, false)) }],
    },
  });
  b.fn("Filesystems", ["FilesystemOptions"], ([o]) => {
    const d = built(o, "FilesystemOptions");
    return V.custom("Filesystems", { targets: d.targets, local: d.local === true });
  });
  b.fn("format_bytes", ["i64", "Unit"], ([n, u]) =>
    V.int(h.formatBytes(V.asBigInt(n!), data<h.Unit>(u!, "Unit"))),
  );
  b.fn("df", [], () => V.array(h.filesystems(ctx, {}, { plain: true }).map(fsValue)));
  b.fn("iostat", [], () => snapshotValue(h.iostat(ctx, true)));
  b.fn("lsblk", [], () => {
    try {
      return toValue(h.lsblk(ctx));
    } catch (err) {
      // Rex's lsblk registration fails with the error's text (a plain string), not a map
      if (err instanceof HostError) throw new HostError(err.kind, err.message, err.source, true);
      throw err;
    }
  });

  builder(b, "UnmountOptions", { path: "string" }, { required: ["path"] });
  b.fn("unmount", ["UnmountOptions"], ([o]) => {
    h.unmount(ctx, built(o, "UnmountOptions").path as string);
  });
}
