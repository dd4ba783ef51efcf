import assert from "node:assert/strict";
import { test } from "node:test";
import { buildEngine } from "./engine-bridge.js";
import { ScriptLog } from "./logs.js";
import { Monitoring } from "./monitoring.js";

// A script tested under sigrun must also run under rex-runner: the runner's engine (bundles and `run`) has
// none of sigrun's opt-in extension functions, which Rhai's Engine::new() lacks.
test("the runner's engine has no function Rhai's default engine lacks", () => {
  const { engine } = buildEngine({
    host: { user: "u", authorize: () => ({ allowed: false, policies: [] }) },
    log: new ScriptLog(),
    monitoring: new Monitoring(),
  });
  for (const src of [
    'parse_bool("true")',
    "float(1.5)",
    "to_char(65)",
    "#{a: 1}.merge(#{b: 2})",
    "round(1.25, 1)",
    "'a'.is_alphabetic()",
    "'5'.is_numeric()",
    "'7'.is_digit()",
    "' '.is_whitespace()",
    "'A'.is_uppercase()",
    "'a'.is_lowercase()",
  ]) {
    const r = engine.eval(src);
    assert.equal(r.ok ? "ok" : r.error.kind, "ErrorFunctionNotFound", src);
  }
  const r = engine.eval("round(1.5)");
  assert.ok(r.ok, "round/1 (Rhai's) is there");
});
