import type { Value } from "../script/index.js";
import { Engine, Scope, V } from "../script/index.js";
import type { ScriptArg } from "./args.js";
import { Binder } from "./bind/binder.js";
import { bindDateTime } from "./bind/datetime.js";
import { bindDisk } from "./bind/disk.js";
import { bindMoreErrorKinds } from "./bind/error-kinds.js";
import { bindFallocate } from "./bind/fallocate.js";
import { formatScriptError, limitCode } from "./bind/format-error.js";
import { bindFsCommands } from "./bind/fs-commands.js";
import { bindFsExtra } from "./bind/fs-extra.js";
import { bindFsHandles } from "./bind/fs-handles.js";
import { bindFsMore } from "./bind/fs-more.js";
import { bindFsValues } from "./bind/fs-values.js";
import { bindMonitoring } from "./bind/monitoring.js";
import { bindNetworkMore } from "./bind/network-more.js";
import { bindProcessManager } from "./bind/process-manager.js";
import { bindProcessRefused } from "./bind/process-refused.js";
import { bindSysinfoKernel } from "./bind/sysinfo-kernel.js";
import { bindSysinfoMore } from "./bind/sysinfo-more.js";
import { bindErrorKinds, bindSystem } from "./bind/system.js";
import { bindSystemd } from "./bind/systemd.js";
import type { EngineOutcome, EngineRunInput } from "./run-script.js";

function argValue(a: ScriptArg): Value {
  switch (a.kind) {
    case "string":
      return V.str(a.value);
    case "int":
      return V.int(a.value);
    case "float":
      return V.float(a.value);
    case "bool":
      return V.bool(a.value);
    case "array":
      return V.array(a.value.map(argValue));
    case "map": {
      const m = new Map<string, Value>();
      for (const [k, v] of a.value) m.set(k, argValue(v));
      return V.map(m);
    }
  }
}

/**
 * The engine as Rex sets it up: strict variables, `eval` and `print` disabled, `debug` to the log,
 * logging/alarm/metric functions and the whole host API, each host call Cedar-checked. `import` finds
 * no module (there is no resolver). Returns the binder so tests can enumerate the registry.
 */
export function buildEngine(input: Omit<EngineRunInput, "script" | "args">): {
  engine: Engine;
  binder: Binder;
} {
  const engine = new Engine({
    options: { strictVariables: true },
    limits: input.limits,
    disabledSymbols: ["eval", "print"],
    onDebug: (text, p) => input.log.add("DEBUG", text, p?.line ?? 0),
  });
  const b = new Binder(engine);
  bindMonitoring(b, input.log, input.monitoring);
  bindErrorKinds(b);
  bindMoreErrorKinds(b);
  bindFsValues(b);
  bindFsCommands(b, input.host);
  bindFsHandles(b, input.host);
  bindSystem(b, input.host);
  bindDisk(b, input.host);
  bindSystemd(b, input.host);
  bindSysinfoMore(b, input.host);
  bindNetworkMore(b, input.host);
  bindProcessManager(b, input.host);
  bindSysinfoKernel(b, input.host);
  bindProcessRefused(b, input.host);
  bindFallocate(b);
  bindFsMore(b, input.host);
  bindFsExtra(b, input.host);
  bindDateTime(b);
  return { engine, binder: b };
}

/** Compiles with the arguments in scope (so strict variables accept them), then runs. */
export function runInEngine(input: EngineRunInput): EngineOutcome {
  const { engine } = buildEngine(input);
  const scope = new Scope();
  for (const [name, a] of input.args) scope.push(name, argValue(a));
  const compiled = engine.compile(input.script, { scope });
  if (!compiled.ok) {
    return {
      ok: false,
      phase: "compile",
      message: formatScriptError(compiled.error),
      code: limitCode(compiled.error) ?? "SCRIPT_PARSE_ERROR",
    };
  }
  // one deadline for the interpreter and the host calls (HostContext.deadline, set by the runner)
  const r = engine.run(
    compiled.program,
    scope,
    input.host.deadline === undefined ? undefined : { deadline: input.host.deadline },
  );
  if (r.ok) return { ok: true, output: V.toDisplay(r.value) };
  return {
    ok: false,
    phase: "run",
    message: formatScriptError(r.error),
    code: limitCode(r.error) ?? "SCRIPT_ERROR",
  };
}
