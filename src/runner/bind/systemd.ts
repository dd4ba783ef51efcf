import type { HostContext, ServiceInfo, ServiceState } from "../../host/index.js";
import * as h from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";

const I64_MAX = 9223372036854775807n;

/** u64 values that fit INT are INT; u64::MAX ("no limit") stays the decimal string (no u64 in sigrun). */
function u64(v: string | undefined): Value {
  if (v === undefined) return undefined;
  const n = BigInt(v);
  return n <= I64_MAX ? V.int(n) : V.str(v);
}

function json(s: ServiceInfo): string {
  return JSON.stringify(
    {
      name: s.name,
      description: s.description,
      load_state: s.load_state,
      load_path: s.load_path,
      unit_file_state: s.unit_file_state,
      unit_file_preset: s.unit_file_preset,
      active_state: s.active_state,
      sub_state: s.sub_state,
      main_pid: s.main_pid ?? null,
      tasks: s.tasks ?? null,
      memory: s.memory ?? null,
      documentation: s.documentation,
      need_daemon_reload: s.need_daemon_reload,
    },
    null,
    2,
  );
}

/** Rex's systemd API (`rhai-safe-process-mgmt` systemctl): SystemctlManager, ServiceInfo, State. */
export function bindSystemd(b: Binder, ctx: HostContext): void {
  const state = (v: Value) => data<ServiceState>(v, "State");
  b.module("State", {
    constants: Object.fromEntries(h.SERVICE_STATES.map((s) => [s.toUpperCase(), V.custom("State", s)])),
  });
  b.type("State", {
    getters: { is_active: (v) => V.bool(h.isActiveState(state(v))) },
    methods: {
      is_active: [{ params: [], fn: ([v]) => V.bool(h.isActiveState(state(v))) }],
      to_string: [{ params: [], fn: ([v]) => V.str(state(v)) }],
    },
    toString: (v) => state(v),
  });
  b.fn("==", ["State", "State"], ([a, c]) => V.bool(state(a) === state(c)));
  b.fn("!=", ["State", "State"], ([a, c]) => V.bool(state(a) !== state(c)));

  const si = (v: Value) => data<ServiceInfo>(v, "ServiceInfo");
  const s = (f: keyof ServiceInfo) => (v: Value) => V.str(si(v)[f] as string);
  b.type("ServiceInfo", {
    getters: {
      name: s("name"),
      description: s("description"),
      load_state: s("load_state"),
      load_path: s("load_path"),
      unit_file_state: s("unit_file_state"),
      unit_file_preset: s("unit_file_preset"),
      sub_state: s("sub_state"),
      active_state: (v) => V.custom("State", si(v).active_state),
      need_daemon_reload: (v) => V.bool(si(v).need_daemon_reload),
      main_pid: (v) => (si(v).main_pid === undefined ? undefined : V.int(si(v).main_pid!)),
      tasks: (v) => u64(si(v).tasks),
      memory: (v) => u64(si(v).memory),
    },
    methods: { to_string: [{ params: [], fn: ([v]) => V.str(json(si(v))) }] },
    toString: (v) => json(si(v)),
  });

  b.fn("SystemctlManager", [], () => {
    h.systemctlManager();
    return V.custom("SystemctlManager", {});
  });
  const unit = (op: "start" | "stop" | "restart" | "try_restart") => [
    {
      params: ["string"],
      fn: ([, name]: Value[]) => {
        h.systemdUnitAction(ctx, op, str(name!));
        return undefined;
      },
    },
  ];
  b.type("SystemctlManager", {
    methods: {
      start: unit("start"),
      stop: unit("stop"),
      restart: unit("restart"),
      try_restart: unit("try_restart"),
      daemon_reload: [
        {
          params: [],
          fn: () => {
            h.daemonReload(ctx);
            return undefined;
          },
        },
      ],
      status: [
        { params: ["string"], fn: ([, name]) => V.custom("ServiceInfo", h.serviceStatus(ctx, str(name!))) },
      ],
    },
  });
}
