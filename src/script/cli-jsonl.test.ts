import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));

test("sigrun rhai eval --jsonl: one output line per case, in order, never stopping", () => {
  const input = [
    JSON.stringify({ id: "a", mode: "eval", source: "40 + 2" }),
    "{not json",
    JSON.stringify({ id: "b", mode: "eval", source: "let x = ;" }),
    JSON.stringify({ id: "c", mode: "eval", source: "9223372036854775807" }),
    JSON.stringify({ id: "d", mode: "eval", source: "undefined_var" }),
    JSON.stringify({ id: "e", mode: "run", source: "print(\"hi\"); [1.5, 'x', blob(2)]" }),
    JSON.stringify({ id: "f", mode: "eval", source: "loop {}", limits: { max_operations: 1000 } }),
    JSON.stringify({
      id: "g",
      mode: "eval",
      source: "x * 2",
      scope: [{ name: "x", value: 21, type: "i64" }],
    }),
  ].join("\n");
  const r = spawnSync(process.execPath, [MAIN, "rhai", "eval", "--jsonl"], { input, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(out.length, 8);
  const at = (i: number): Record<string, unknown> => {
    const o = out[i];
    assert.ok(o, `output line ${i}`);
    return o;
  };
  assert.deepEqual(at(0), { id: "a", value: 42, type: "i64", prints: [] });
  assert.equal((at(1).error as { kind: string }).kind, "InputInvalid");
  assert.equal((at(2).error as { kind: string }).kind, "ParseError:BadInput");
  assert.equal((at(2).error as { position: string }).position, "1:9");
  assert.deepEqual(at(3).value, { $i64: "9223372036854775807" });
  assert.equal((at(4).error as { kind: string }).kind, "ErrorVariableNotFound");
  assert.deepEqual(at(5), {
    id: "e",
    value: [{ $f64: 1.5 }, { $char: "x" }, { $blob: [0, 0] }],
    type: "array",
    prints: ["hi"],
  });
  assert.equal((at(6).error as { kind: string }).kind, "ErrorTooManyOperations");
  assert.equal(at(7).value, 42);
});

test("sigrun rhai eval FILE prints the value for a person", () => {
  const dir = mkdtempSync(join(tmpdir(), "rhai-cli-"));
  try {
    const file = join(dir, "s.rhai");
    writeFileSync(file, 'print("hello"); let x = [1, 2]; x.len()');
    const r = spawnSync(process.execPath, [MAIN, "rhai", "eval", "--allow-print", file], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "hello\n2 (i64)\n");
    // without --allow-print, `print` is disabled as in run and on the agent (a parse error, nothing printed)
    const off = spawnSync(process.execPath, [MAIN, "rhai", "eval", file], { encoding: "utf8" });
    assert.equal(off.status, 31);
    assert.equal(off.stdout, "");
    assert.match(off.stderr, /SCRIPT_PARSE_ERROR: ParseError:Reserved at 1:1: 'print' is disabled/);
    writeFileSync(file, "1 / 0");
    const bad = spawnSync(process.execPath, [MAIN, "rhai", "eval", file], { encoding: "utf8" });
    assert.equal(bad.status, 30);
    assert.match(bad.stderr, /SCRIPT_ERROR: ErrorArithmetic at 1:3/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
