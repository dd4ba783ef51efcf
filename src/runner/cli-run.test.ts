import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sigrun-run-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [MAIN, "run", ...args], {
    encoding: "utf8",
    env: { ...process.env, REX_RUNNER_DISABLE_MONITORING: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
interface Out {
  output: string;
  status: string;
  error: { error_type: string; message: string };
  alarms: Array<{ alarm_type: string }>;
  metrics: Array<{ metric_name: string }>;
  logs: Array<{ attributes: Record<string, string> }>;
  sigrun_explain: {
    decisions: Array<{ decision: string; resource: string; policies: string[] }>;
    policy: { warnings: string[] };
    code?: string;
  };
}
const json = (s: string) => JSON.parse(s) as Out;

const ALLOW_DIR = f("allow.cedar", `permit(principal, action, resource in file_system::Dir::"${dir}");`);
const EMPTY = f("empty.cedar", "");
f("data.txt", "hello");

test("success: exit 0, one JSON line without newline, Rex's members in order", () => {
  const r = run("-s", f("ok.rhai", `info("hi"); cat("${dir}/data.txt")`), "-p", ALLOW_DIR);
  assert.equal(r.code, 0);
  assert.ok(!r.stdout.endsWith("\n"));
  const o = json(r.stdout);
  assert.equal(o.status, "SUCCESS");
  assert.equal(o.output, "hello");
  assert.deepEqual(Object.keys(o), ["output", "status", "metrics", "logs"]);
  const [log] = o.logs;
  assert.ok(log, "one log line");
  assert.equal(log.attributes.message, "hi");
  assert.equal(log.attributes.line_number, "1");
  assert.match(log.attributes.timestamp ?? "", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} UTC$/);
  assert.ok(o.metrics.some((m) => m.metric_name === "RexRunnerScriptExecutionSuccessCount"));
  assert.equal(o.sigrun_explain, undefined);
});

test("denied: exit 0, ACCESS_DENIED_EXCEPTION, Rex's message", () => {
  const r = run("-s", f("deny.rhai", `cat("${dir}/data.txt")`), "-p", EMPTY);
  assert.equal(r.code, 0);
  const o = json(r.stdout);
  assert.equal(o.status, "ERROR");
  assert.equal(o.error.error_type, "ACCESS_DENIED_EXCEPTION");
  assert.match(
    o.error.message,
    /^IoErrorKind: PermissionDenied: Permission denied: \S+ unauthorized to perform file_system::Action::"open" for file_system::Dir::/,
  );
  assert.ok(o.alarms.some((a) => a.alarm_type === "RexRunnerPrivilegeEscalation"));
});

test("a caught denial lets the script go on", () => {
  const r = run(
    "-s",
    f("catch.rhai", `let k = ""; try { cat("${dir}/data.txt") } catch (e) { k = e.kind } k`),
    "-p",
    EMPTY,
  );
  assert.equal(json(r.stdout).output, "PermissionDenied");
});

test("script errors: exit 0, SCRIPT_EXCEPTION (throw, syntax, strict variables, eval/print disabled, import)", () => {
  for (const src of ['throw "boom"', "let x = ;", "y + 1", 'eval("1")', 'print("x")', 'import "m" as m; 1']) {
    const r = run("-s", f("bad.rhai", src), "-p", EMPTY);
    assert.equal(r.code, 0, src);
    const o = json(r.stdout);
    assert.equal(o.status, "ERROR", src);
    assert.equal(o.error.error_type, "SCRIPT_EXCEPTION", src);
  }
});

test("tagged arguments: longValue keeps all 64 bits; all tags; injected before the strict compile", () => {
  const args = f(
    "args.json",
    `{"l": {"longValue": 9223372036854775807}, "i": {"integerValue": -5}, "d": {"doubleValue": 1.5},
      "b": {"booleanValue": true}, "s": {"stringValue": "x"},
      "a": {"listValue": [{"integerValue": 1}, {"stringValue": "y"}]}, "m": {"mapValue": {"k": {"booleanValue": false}}}}`,
  );
  const src = `\`\${l}|\${l - 1}|\${type_of(i)}|\${i}|\${d}|\${b}|\${s}|\${a}|\${m.k}|\${type_of(l)}\``;
  const r = run("-s", f("args.rhai", src), "-p", EMPTY, "-a", args);
  assert.equal(r.code, 0);
  assert.equal(
    json(r.stdout).output,
    '9223372036854775807|9223372036854775806|i64|-5|1.5|true|x|[1, "y"]|false|i64',
  );
});

test("bad arguments: exit 1 (unreadable / not JSON: COMMUNICATION_EXCEPTION; too deep: VALIDATION_EXCEPTION)", () => {
  const s = f("one.rhai", "1");
  let r = run("-s", s, "-p", EMPTY, "-a", join(dir, "missing.json"));
  assert.equal(r.code, 1);
  assert.equal(json(r.stdout).error.error_type, "COMMUNICATION_EXCEPTION");
  r = run("-s", s, "-p", EMPTY, "-a", f("broken.json", "{"));
  assert.equal(r.code, 1);
  assert.equal(json(r.stdout).error.error_type, "COMMUNICATION_EXCEPTION");
  r = run("-s", s, "-p", EMPTY, "-a", f("i32.json", `{"x": {"integerValue": 2147483648}}`));
  assert.equal(r.code, 1);
  r = run(
    "-s",
    s,
    "-p",
    EMPTY,
    "-a",
    f("deep.json", `{"x": {"listValue": [{"listValue": [{"integerValue": 1}]}]}}`),
  );
  assert.equal(r.code, 1);
  assert.equal(json(r.stdout).error.error_type, "VALIDATION_EXCEPTION");
  assert.match(json(r.stdout).error.message, /Argument 'x': Maximum nesting depth of 2 exceeded/);
});

test("unreadable script or policy: exit 1, COMMUNICATION_EXCEPTION, compact JSON whatever the format", () => {
  const r = run("-s", join(dir, "nope.rhai"), "-p", EMPTY, "-o", "pretty-json");
  assert.equal(r.code, 1);
  assert.ok(!r.stdout.includes("\n"));
  assert.equal(json(r.stdout).error.error_type, "COMMUNICATION_EXCEPTION");
});

test("bad policy: exit 1, INTERNAL_EXCEPTION; --strict-policy turns schema errors into exit 1", () => {
  const s = f("one.rhai", "1");
  let r = run("-s", s, "-p", f("broken.cedar", "permit("));
  assert.equal(r.code, 1);
  assert.equal(json(r.stdout).error.error_type, "INTERNAL_EXCEPTION");
  const misspelt = f("reed.cedar", `permit(principal, action == file_system::Action::"reed", resource);`);
  r = run("-s", s, "-p", misspelt, "--explain");
  assert.equal(r.code, 0);
  assert.ok(json(r.stdout).sigrun_explain.policy.warnings.length > 0);
  r = run("-s", s, "-p", misspelt, "--strict-policy");
  assert.equal(r.code, 1);
});

test("usage errors: exit 2", () => {
  assert.equal(run("-s", f("one.rhai", "1")).code, 2);
  assert.equal(run("-p", EMPTY).code, 2);
  assert.equal(run("-s", "x", "-p", "y", "-o", "xml").code, 2);
  assert.equal(run("-s", "x", "-p", "y", "--no-such-flag").code, 2);
});

test("output formats: pretty-json indented; human prints output / error: on stderr; -v adds logs and metrics", () => {
  const s = f("h.rhai", `info("note"); "result"`);
  let r = run("-s", s, "-p", EMPTY, "-o", "pretty-json");
  assert.ok(r.stdout.startsWith('{\n  "output": "result"'));
  r = run("-s", s, "-p", EMPTY, "-o", "human");
  assert.equal(r.stdout, "result\n");
  r = run("-s", s, "-p", EMPTY, "-o", "human", "-v");
  assert.match(r.stdout, /^\[INFO\] note\nresult\n--- metrics ---\n/);
  r = run("-s", f("hx.rhai", 'throw "x"'), "-p", EMPTY, "-o", "human");
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error: /);
});

test("--explain: every decision with its policies, under sigrun_explain only", () => {
  const p = f(
    "ids.cedar",
    `@id("read-data") permit(principal, action, resource in file_system::Dir::"${dir}");`,
  );
  const r = run(
    "-s",
    f("e.rhai", `cat("${dir}/data.txt"); try { cat("/etc/hostname") } catch {} 1`),
    "-p",
    p,
    "--explain",
  );
  const o = json(r.stdout);
  const d = o.sigrun_explain.decisions;
  assert.equal(d.length, 5);
  assert.deepEqual(d[0]?.policies, ["read-data"]);
  assert.equal(d[4]?.decision, "deny");
  assert.equal(d[4]?.resource, 'file_system::Dir::"/etc"');
  assert.equal(Object.keys(o).at(-1), "sigrun_explain");
});

test("limits: each hit is a SCRIPT_EXCEPTION with the limit's code under --explain", () => {
  let r = run("-s", f("loop.rhai", "loop {}"), "-p", EMPTY, "--max-operations", "10000", "--explain");
  let o = json(r.stdout);
  assert.equal(o.error.error_type, "SCRIPT_EXCEPTION");
  assert.equal(o.sigrun_explain.code, "LIMIT_EXCEEDED");
  r = run(
    "-s",
    f("loop.rhai", "loop {}"),
    "-p",
    EMPTY,
    "--max-wall-ms",
    "200",
    "--max-operations",
    "0",
    "--explain",
  );
  o = json(r.stdout);
  assert.equal(o.sigrun_explain.code, "TIMEOUT");
  r = run(
    "-s",
    f("big.rhai", `let s = ""; for i in 0..200 { s += "xxxxxxxxxx"; } s`),
    "-p",
    EMPTY,
    "--max-output-bytes",
    "100",
    "--explain",
  );
  o = json(r.stdout);
  assert.equal(o.sigrun_explain.code, "LIMIT_EXCEEDED");
});

test("script metrics and alarms named rex… are refused (exit 1, as Rex)", () => {
  const r = run("-s", f("rex.rhai", `AlarmBuilder().type("RexFake").publish(); 1`), "-p", EMPTY);
  assert.equal(r.code, 1);
  assert.equal(json(r.stdout).error.error_type, "SCRIPT_EXCEPTION");
});

test("error messages are capped at 1024 characters ending in ...", () => {
  const r = run("-s", f("long.rhai", `throw "${"x".repeat(3000)}"`), "-p", EMPTY);
  const m = json(r.stdout).error.message as string;
  assert.equal([...m].length, 1024);
  assert.ok(m.endsWith("..."));
  assert.equal(readFileSync(join(dir, "data.txt"), "utf8"), "hello");
});

test("exit(v) ends the script with output v (Rhai's exit: not an error)", () => {
  const r = run("-s", f("exit.rhai", 'info("before"); exit("early"); info("after"); "late"'), "-p", EMPTY);
  assert.equal(r.code, 0, r.stderr);
  const o = json(r.stdout);
  assert.equal(o.status, "SUCCESS");
  assert.equal(o.output, "early");
  assert.deepEqual(
    o.logs.map((l) => l.attributes.message),
    ["before"],
  );
});
