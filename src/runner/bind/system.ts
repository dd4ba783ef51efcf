import type { HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import { HostError, IO_ERROR_KINDS } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { RFloat, V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";
import { builder, built } from "./builders.js";

/** `ExecuteOptions.capabilities([...])` / `.namespace(ChildNamespaceOptions)`, checked as Rex's setters (plain errors). */
function capabilityOptions(d: Record<string, unknown>): Pick<h.ExecuteOptions, "capabilities" | "namespace"> {
  const out: Pick<h.ExecuteOptions, "capabilities" | "namespace"> = {};
  if (d.capabilities !== undefined) {
    out.capabilities = (d.capabilities as Value[]).map((c, i) => {
      if (typeof c !== "string")
        throw new HostError("Other", `Capability at index ${i} must be a string`, "IoErrorKind", true);
      if (!h.CAPABILITY_NAMES.has(c))
        throw new HostError("Other", `Invalid capability format: '${c}'`, "IoErrorKind", true);
      return c;
    });
  }
  if (d.namespace !== undefined) {
    const t = data<Record<string, unknown>>(d.namespace as Value, "ChildNamespaceOptions")
      .target_process as bigint;
    if (t < 0n || t > 0xffffffffn)
      throw new HostError(
        "Other",
        "Parameter conversion failed for target_process: out of range integral type conversion attempted",
        "IoErrorKind",
        true,
      );
    out.namespace = { target_process: Number(t) };
  }
  return out;
}

export function toValue(x: unknown): Value {
  if (typeof x === "number") return Number.isInteger(x) ? V.int(x) : V.float(x);
  if (typeof x === "string") return V.str(x);
  if (typeof x === "boolean") return V.bool(x);
  if (Array.isArray(x)) return V.array(x.map(toValue));
  if (x && typeof x === "object") {
    const m = new Map<string, Value>();
    for (const [k, v] of Object.entries(x)) m.set(k, toValue(v));
    return V.map(m);
  }
  return undefined;
}

export function getters(fields: string[], type: string): Record<string, (v: Value) => Value> {
  return Object.fromEntries(
    fields.map((f) => [f, (v: Value) => toValue(data<Record<string, unknown>>(v, type)[f])]),
  );
}

/** Error-kind constant modules: kinds are compared as strings (`e.kind == IoErrorKind::NotFound`). */
export function bindErrorKinds(b: Binder): void {
  b.module("IoErrorKind", { constants: Object.fromEntries(IO_ERROR_KINDS.map((k) => [k, V.str(k)])) });
}

/** System info, network, processes and execute (rex.md §3.5, §3.4 execute). */
export function bindSystem(b: Binder, ctx: HostContext): void {
  b.fn("hostname", [], () => V.str(h.hostname(ctx)));
  b.fn("nproc", [], () => V.int(h.nproc(ctx)));
  const uname = [
    "kernel_name",
    "nodename",
    "kernel_release",
    "kernel_version",
    "machine",
    "operating_system",
    "processor",
    "hardware_platform",
  ];
  b.type("UnameInfo", { getters: getters(uname, "UnameInfo") });
  b.fn("uname", [], () => V.custom("UnameInfo", h.uname(ctx)));
  b.fn("free", [], () => toValue(h.free(ctx)));
  b.fn("resolve", ["string"], ([host]) => V.array(h.resolve(ctx, str(host)).map(V.str)));

  b.type("Response", { getters: getters(["status", "text"], "Response") });
  b.fn("curl", ["string"], ([url]) => V.custom("Response", h.httpGet(ctx, str(url))));
  type ClientData = { max?: number };
  b.type("Client", {
    methods: {
      max_text_bytes: [
        {
          params: ["i64"],
          fn: ([c, n]) =>
            V.custom("Client", { ...data<ClientData>(c, "Client"), max: Number(V.asBigInt(n!)) }),
        },
      ],
      get: [
        {
          params: ["string"],
          fn: ([c, url]) => V.custom("Request", { ...data<ClientData>(c, "Client"), url: str(url) }),
        },
      ],
    },
  });
  b.type("Request", {
    methods: {
      send: [
        {
          params: [],
          fn: ([r]) => {
            const d = data<ClientData & { url: string }>(r, "Request");
            return V.custom("Response", h.httpGet(ctx, d.url, d.max ?? h.DEFAULT_MAX_TEXT_BYTES));
          },
        },
      ],
    },
  });
  b.fn("Client", [], () => V.custom("Client", {}));

  const procFields = ["pid", "ppid", "name", "uid", "username", "command", "state"];
  b.type("ProcessInfo", { getters: getters(procFields, "ProcessInfo") });
  b.fn("ps", [], () => V.array(h.ps(ctx).map((p) => V.custom("ProcessInfo", p))));
  b.fn("kill", ["i64"], ([pid]) =>
    V.array(h.kill(ctx, Number(V.asBigInt(pid))).map(([n, p]) => V.array([V.str(n), V.int(p)]))),
  );

  builder(b, "ExecuteOptions", {
    args: "array",
    env: "map",
    user: "string",
    group: "string",
    capabilities: "array",
    namespace: "any",
  });
  builder(b, "ChildNamespaceOptions", { target_process: "i64" }, { required: ["target_process"] });
  b.type("ExecuteResult", { getters: getters(["exit_code", "stdout", "stderr"], "ExecuteResult") });
  b.type("FileHandle", {
    methods: {
      execute: [
        {
          params: ["ExecuteOptions"],
          fn: ([f, o]) => {
            const d = built(o, "ExecuteOptions");
            const args: h.ExecArg[] = [];
            for (const a of (d.args as Value[] | undefined) ?? []) {
              if (typeof a === "string") args.push(a);
              else if (Array.isArray(a) && a.length === 2) args.push([str(a[0]!), str(a[1]!)]);
              else
                throw new HostError(
                  "InvalidArguments",
                  "Invalid arguments: args: expected strings or [key, value] pairs",
                );
            }
            const env: Record<string, string> = {};
            const em = d.env as Map<string, Value> | undefined;
            for (const [k, v] of em ?? []) env[k] = str(v);
            const r = h.execute(data<h.FileHandle>(f, "FileHandle"), {
              args,
              env,
              user: d.user as string | undefined,
              group: d.group as string | undefined,
              ...capabilityOptions(d),
            });
            return V.custom("ExecuteResult", r);
          },
        },
      ],
    },
  });
  void RFloat;
}
