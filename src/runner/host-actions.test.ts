import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { type CaseEnv, HOST_CASES, isUngated } from "../../test/kit/host-cases/index.js";
import { createPolicyEngine } from "../policy/index.js";
import { Engine, scriptCalls } from "../script/index.js";
import { Binder } from "./bind/binder.js";
import { runInEngine } from "./engine-bridge.js";
import { allActions, hostActionNames, hostActions } from "./host-actions.js";
import { callCandidates, registeredNames } from "./lint-calls.js";
import { ScriptLog } from "./logs.js";
import { Monitoring } from "./monitoring.js";

const registered = registeredNames();

test("every Cedar-gated registered function has a host-actions entry, and every entry is a gated function", () => {
  const gated = [...registered].filter((n) => !isUngated(n)).sort();
  const known = new Set(hostActionNames());
  assert.deepEqual(
    gated.filter((n) => !known.has(n)),
    [],
  );
  assert.deepEqual(
    [...known].filter((n) => !registered.has(n) || isUngated(n)),
    [],
  );
});

// `allow read File::"$D/x"` → file_system::Action::"read" (the trail's types are short for file_system)
const seqAction = (line: string): string => {
  const [, verb, resource] = line.split(" ");
  const ns = /^(\w+)::\w+::/.exec(resource!)?.[1] ?? "file_system";
  return `${ns}::Action::${JSON.stringify(verb)}`;
};

test("every action of a recorded Cedar trail (host cases' seq) is listed for a function the script calls", () => {
  const d = "/d";
  const env: CaseEnv = { httpBase: "http://127.0.0.1:1", victimPid: 1 };
  let checked = 0;
  for (const c of HOST_CASES) {
    if (!c.seq) continue;
    const parsed = new Engine().parse(c.script(d, env));
    assert.ok(parsed.ok, c.name);
    const fns = scriptCalls(parsed.ast).flatMap((call) => callCandidates(call, registered));
    assert.ok(fns.includes(c.name), `${c.name}: the script's calls do not map to it (${fns.join(", ")})`);
    const listed = new Set(fns.flatMap((f) => allActions(hostActions(f)!)));
    for (const line of c.seq) assert.ok(listed.has(seqAction(line)), `${c.name}: ${line} not listed`);
    checked++;
  }
  assert.ok(checked >= 20, `only ${checked} cases have a seq`);
});

// Each Cedar request of a real run, attributed to the registered host function running when it was made
// (the Binder's registrations are wrapped in this test process only).
const stack: string[] = [];
const wrap = <F extends (...a: never[]) => unknown>(name: string, f: F): F =>
  ((...a: Parameters<F>) => {
    stack.push(name);
    try {
      return f(...a);
    } finally {
      stack.pop();
    }
  }) as F;
const origFn = Binder.prototype.fn;
const origType = Binder.prototype.type;
Binder.prototype.fn = function (name, params, impl) {
  return origFn.call(this, name, params, wrap(name, impl));
};
Binder.prototype.type = function (name, spec) {
  const methods: NonNullable<typeof spec.methods> = {};
  for (const [m, impl] of Object.entries(spec.methods ?? {}))
    methods[m] =
      typeof impl === "function"
        ? wrap(`${name}.${m}`, impl)
        : impl.map((o) => ({ params: o.params, fn: wrap(`${name}.${m}`, o.fn) }));
  return origType.call(this, name, { ...spec, methods });
};
const victim = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
after(() => victim.kill("SIGKILL"));

test("a real run of every host case requests only actions listed for the function making the request", () => {
  const env: CaseEnv = { victimPid: victim.pid };
  const unlisted: string[] = [];
  const missingRequired: string[] = [];
  for (const c of HOST_CASES) {
    for (const mode of ["allow", "deny"] as const) {
      if (c.skip?.(env) || (mode === "allow" && c.skipAllowed?.(env))) continue;
      if (c.name === "unmount") continue; // needs a mount of its own (host-api.test.ts runs it)
      const d = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-actions-")));
      const seen = new Map<string, Set<string>>();
      try {
        c.setup?.(d);
        const policy = mode === "allow" ? c.allow(d, env) : (c.deny?.(d, env) ?? "");
        const engine = createPolicyEngine({ policy });
        const host = {
          user: "u",
          authorize: (req: Parameters<typeof engine.authorize>[0]) => {
            const fn = stack.at(-1) ?? "(none)";
            const action = `${req.action.type}::${JSON.stringify(req.action.id)}`;
            if (!seen.has(fn)) seen.set(fn, new Set());
            seen.get(fn)!.add(action);
            const entry = hostActions(fn);
            if (!entry || !allActions(entry).includes(action))
              unlisted.push(`${c.name} (${mode}): ${fn} ${action}`);
            return engine.authorize(req);
          },
        };
        runInEngine({
          script: c.script(d, env),
          args: new Map(),
          host,
          log: new ScriptLog(),
          monitoring: new Monitoring(),
        });
        // the permitted run of the case's own function made one request of each required group
        const own = seen.get(c.name);
        if (mode === "allow" && c.deniedOutput === undefined)
          for (const g of hostActions(c.name)?.required ?? [])
            if (!g.some((a) => own?.has(a))) missingRequired.push(`${c.name}: ${g.join("|")}`);
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    }
  }
  assert.deepEqual(unlisted, []);
  assert.deepEqual(missingRequired, []);
});
