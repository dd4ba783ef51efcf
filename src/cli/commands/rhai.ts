import type { Command } from "commander";
import { printJson, readInput } from "../io.js";

interface EvalFlags {
  jsonl?: boolean;
  json?: boolean;
  expr?: string;
  maxOperations?: string;
  maxWallMs?: string;
  extras?: boolean;
  allowPrint?: boolean;
}

async function evalJsonl(): Promise<void> {
  const { runCase } = await import("../../script/conformance.js");
  const { createInterface } = await import("node:readline");
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (line.trim() === "") continue;
    let out: Record<string, unknown>;
    try {
      const c = JSON.parse(line) as unknown;
      if (c === null || typeof c !== "object" || Array.isArray(c)) throw new Error("case is not an object");
      out = runCase(c as Record<string, unknown>);
    } catch (err) {
      out = {
        id: null,
        error: {
          kind: "InputInvalid",
          message: `bad case line: ${(err as Error).message}`,
          position: "none",
        },
      };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

async function evalFile(file: string | undefined, o: EvalFlags): Promise<void> {
  const { SigrunError } = await import("../../core/index.js");
  const { Engine, formatPosition, toDebug, typeName } = await import("../../script/index.js");
  const { encodeValue } = await import("../../script/conformance.js");
  let source: string;
  if (o.expr !== undefined) source = o.expr;
  else if (file !== undefined) source = Buffer.from(readInput(file, "script")).toString("utf8");
  else throw new SigrunError("USAGE", "rhai eval: give a script file, --expr <source> or --jsonl");
  const int = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d{1,12}$/.test(v)) throw new SigrunError("USAGE", `${flag}: expected an integer, got ${v}`);
    return Number(v);
  };
  const prints: string[] = [];
  const engine = new Engine({
    limits: {
      ...(int(o.maxOperations, "--max-operations") !== undefined
        ? { maxOperations: int(o.maxOperations, "--max-operations") }
        : {}),
      ...(int(o.maxWallMs, "--max-wall-ms") !== undefined
        ? { maxWallMs: int(o.maxWallMs, "--max-wall-ms") }
        : {}),
    },
    extras: o.extras === true,
    // as the runner's engine (Rex): `print` is a parse error unless asked for plain Rhai
    disabledSymbols: o.allowPrint ? [] : ["print"],
    onPrint: (t) => (o.json ? prints.push(t) : process.stdout.write(`${t}\n`)),
    onDebug: (t, p) => (o.json ? prints.push(t) : process.stderr.write(`[${formatPosition(p)}] ${t}\n`)),
  });
  const r = engine.eval(source);
  if (o.json) {
    printJson(
      r.ok
        ? { ok: true, value: encodeValue(r.value), type: typeName(r.value), prints }
        : {
            ok: false,
            error: { ...r.error, position: formatPosition(r.error.position), value: undefined },
            prints,
          },
    );
    if (!r.ok) process.exitCode = 30;
    return;
  }
  if (!r.ok) {
    const code = r.error.kind.startsWith("ParseError:") ? "SCRIPT_PARSE_ERROR" : "SCRIPT_ERROR";
    throw new SigrunError(code, `${r.error.kind} at ${formatPosition(r.error.position)}: ${r.error.message}`);
  }
  process.stdout.write(`${toDebug(r.value)} (${typeName(r.value)})\n`);
}

export function register(program: Command): void {
  const rhai = program
    .command("rhai")
    .description("the Rhai script engine (conformance batch mode, quick evaluation)");
  rhai
    .command("eval")
    .description(
      "evaluate a Rhai script and print its value; with --jsonl read conformance case lines on stdin and " +
        "write one result line per case, in order",
    )
    .argument("[file]", "script file (.rhai)")
    .option("--jsonl", "batch mode: case lines (id, source, mode, limits, options, scope) on stdin")
    .option("--expr <source>", "evaluate this source instead of a file")
    .option("--max-operations <n>", "operation limit (default: the engine's)")
    .option("--max-wall-ms <n>", "wall-clock limit in ms (default: the engine's)")
    .option("--json", "print the result as JSON")
    .option("--allow-print", "let `print` write to stdout (plain Rhai; run and the agent disable it, as Rex)")
    .option(
      "--extras",
      "add sigrun's extension package (float, to_char, parse_bool, merge, round/2, char predicates)",
    )
    .action(async (file: string | undefined, o: EvalFlags) => {
      if (o.jsonl) await evalJsonl();
      else await evalFile(file, o);
    });
}
