import { SigrunError, utf8Decode } from "../core/index.js";
import { type PolicyFindings, policyFindings } from "../policy/index.js";
import { Engine, type ParsedScript, type ScriptCall, scriptCalls } from "../script/index.js";

/** A problem in the script, at its 1-based line and column when known. */
export interface ScriptProblem {
  readonly message: string;
  readonly line?: number;
  readonly col?: number;
}

/** What the checks found in a bundle's script and policy (all of it; nothing thrown). */
export interface SourceFindings {
  /** The syntax tree, when the script parses. */
  readonly ast?: ParsedScript;
  readonly calls: readonly ScriptCall[];
  readonly script: readonly ScriptProblem[];
  readonly policy: PolicyFindings;
}

/** Symbols the runner's engine disables as Rex does (engine-bridge.ts): using one is a parse error there. */
export const DISABLED_SYMBOLS = ["eval", "print"] as const;

const DISABLED_HINT: Record<(typeof DISABLED_SYMBOLS)[number], string> = {
  print: "'print' is disabled in sigrun run and on the agent (as in Rex); use debug",
  eval: "'eval' is disabled in sigrun run and on the agent (as in Rex)",
};

/**
 * The checks of a bundle's sources, reporting every problem: the script parses and compiles (Rhai
 * syntax; functions and variables are resolved only when it runs) with each use of a symbol the runner
 * disables (`print`, `eval`) reported where it is, and the policy parses and validates against the Rex
 * schema as the runner requires (all errors and warnings). `bundle lint` reports these;
 * `checkBundleSources` refuses on the first.
 */
export function sourceFindings(script: string, policy: string): SourceFindings {
  const engine = new Engine();
  const problems: ScriptProblem[] = [];
  let ast: ParsedScript | undefined;
  let calls: ScriptCall[] = [];
  const c = engine.compile(script);
  if (!c.ok) {
    const p = c.error.position;
    problems.push(
      p ? { message: c.error.message, line: p.line, col: p.column } : { message: c.error.message },
    );
  } else {
    const parsed = engine.parse(script);
    if (parsed.ok) {
      ast = parsed.ast;
      calls = scriptCalls(ast);
      for (const call of calls) {
        const sym = DISABLED_SYMBOLS.find((s) => call.kind === "fn" && call.ns === null && call.name === s);
        if (sym) problems.push({ message: DISABLED_HINT[sym], line: call.line, col: call.col });
      }
    }
  }
  return { ...(ast ? { ast } : {}), calls, script: problems, policy: policyFindings(policy) };
}

const where = (p: { line?: number; col?: number }): string =>
  p.line === undefined ? "" : ` (line ${p.line}, position ${p.col})`;

/**
 * What `bundle create` and `bundle sign` check before a bundle is made or signed (`sourceFindings`),
 * refusing on the first problem: SCRIPT_PARSE_ERROR or POLICY_INVALID.
 */
export function checkBundleSources(script: Uint8Array, policy: Uint8Array): void {
  const f = sourceFindings(utf8Decode(script, "script"), utf8Decode(policy, "policy"));
  const s = f.script[0];
  if (s) throw new SigrunError("SCRIPT_PARSE_ERROR", `script: ${s.message}${where(s)}`);
  if (f.policy.errors.length > 0) {
    const what = f.policy.stage === "parse" ? "does not parse" : "not valid for the schema";
    const list = f.policy.errors.map((e) => `${e.message}${where(e)}`).join("; ");
    throw new SigrunError("POLICY_INVALID", `policy: ${what}: ${list}`);
  }
}
