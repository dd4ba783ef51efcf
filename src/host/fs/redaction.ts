import type { HostContext } from "../context.js";
import { compileRegex, type ScriptRegex } from "../regex.js";

/** Rex's redaction dictionary (one printf-style pattern a line). */
export const REDACTION_DICTIONARY = "/etc/opt/rex/rex_redaction.config";

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Converts a printf-style line (`%s %d %u %zu %lu %m`) to an anchored regular expression. */
export function printfToRegex(line: string): ScriptRegex {
  let out = "";
  let i = 0;
  while (i < line.length) {
    const rest = line.slice(i);
    const m = /^%(zu|lu|s|d|u|m)/.exec(rest);
    if (m) {
      const spec = m[1];
      out += spec === "d" ? "-?\\d+" : spec === "s" || spec === "m" ? ".*" : "\\d+";
      i += m[0].length;
    } else {
      out += escapeRegex(line[i]!);
      i++;
    }
  }
  return compileRegex(`^${out}$`);
}

/** Replaces each line not matching any pattern with `[REDACTED]`. */
export function redact(content: string, patterns: ScriptRegex[]): string {
  return content
    .split("\n")
    .map((line) => (line === "" || patterns.some((p) => p.test(line)) ? line : "[REDACTED]"))
    .join("\n");
}

export type DictionaryReader = (ctx: HostContext) => string;
