import type { ScriptErrorInfo } from "../../script/index.js";
import { V } from "../../script/index.js";

const LIMIT_KINDS = new Set([
  "ErrorTooManyOperations",
  "ErrorStackOverflow",
  "ErrorDataTooLarge",
  "ErrorTooManyVariables",
  "ErrorTooManyModules",
  "ParseError:ExprTooDeep",
  "ParseError:InputTooLarge",
  "ParseError:LiteralTooLarge",
  "ParseError:TooManyFunctions",
]);

/** The sigrun error code for an interpreter error, when it is a limit hit (for `--explain`). */
export function limitCode(e: ScriptErrorInfo): string | undefined {
  let cur: ScriptErrorInfo | undefined = e;
  while (cur) {
    if (cur.kind === "ErrorTerminated") return "TIMEOUT";
    if (LIMIT_KINDS.has(cur.kind)) return "LIMIT_EXCEEDED";
    cur = cur.inner;
  }
  return undefined;
}

function pos(e: ScriptErrorInfo): string {
  return e.position ? ` (line ${e.position.line}, position ${e.position.column})` : "";
}

function hostMap(e: ScriptErrorInfo): string | undefined {
  if (e.kind !== "ErrorRuntime" || !V.isMap(e.value as never)) return undefined;
  const m = e.value as Map<string, unknown>;
  const text = (k: string, dflt: string) => {
    const v = m.get(k);
    return v === undefined ? dflt : V.toDisplay(v as never);
  };
  return `${text("source", "Unknown")}: ${text("kind", "Unknown")}: ${text("message", "No message available")}`;
}

/**
 * Rex's `format_error_message`: an SDK error map prints as `<source>: <kind>: <message>` plus
 * ` (line L, position P)`; other errors print Rhai's text. An SDK error raised inside a script
 * function is reported the same way (innermost map).
 */
export function formatScriptError(e: ScriptErrorInfo): string {
  let cur: ScriptErrorInfo | undefined = e;
  while (cur) {
    const m = hostMap(cur);
    if (m !== undefined) return `${m}${pos(cur)}`;
    cur = cur.inner;
  }
  if (e.kind === "ErrorRuntime") {
    const v = e.value;
    return `${v === undefined ? "Runtime error" : `Runtime error: ${V.toDisplay(v as never)}`}${pos(e)}`;
  }
  if (e.kind === "ErrorTerminated") return `Script terminated: ${e.message}${pos(e)}`;
  return `${e.message}${pos(e)}`;
}
