import assert from "node:assert/strict";
import type { Command } from "commander";

/**
 * Checks of the example GitHub workflows (examples/github/*.yml): shell run scripts split into commands,
 * and every `sigrun …` invocation checked against the verbs and flags of the real CLI program.
 */
export type Obj = Record<string, unknown>;
export const obj = (v: unknown, what: string): Obj => {
  assert.ok(typeof v === "object" && v !== null && !Array.isArray(v), `${what}: expected a mapping`);
  return v as Obj;
};

/** Splits a run script into commands of words (joins `\` continuations, drops comments and quotes). */
export function shellCommands(script: string): string[][] {
  const out: string[][] = [];
  const text = script.replace(/\\\n/g, " ");
  for (const line of text.split("\n")) {
    let cmd: string[] = [];
    const words = line.match(/"[^"]*"|'[^']*'|&&|\|\||[;|()]|[^\s;|()"']+(?:"[^"]*"[^\s;|()]*)*/g) ?? [];
    for (const w of words) {
      if (w.startsWith("#")) break;
      if (["&&", "||", ";", "|", "(", ")"].includes(w)) {
        if (cmd.length) out.push(cmd);
        cmd = [];
        continue;
      }
      cmd.push(w.replace(/^"(.*)"$/s, "$1").replace(/^'(.*)'$/s, "$1"));
    }
    if (cmd.length) out.push(cmd);
  }
  return out;
}

/** Bash arrays assigned in the script (`name=(a b c)`), so `"${name[@]}"` can be expanded. */
function shellArrays(script: string): Map<string, string[]> {
  const arrays = new Map<string, string[]>();
  for (const m of script.matchAll(/\b([A-Za-z_]\w*)=\(([^)]*)\)/g)) {
    const prev = arrays.get(m[1]!) ?? [];
    arrays.set(m[1]!, [...prev, ...m[2]!.split(/\s+/).filter(Boolean)]);
  }
  return arrays;
}

const longFlags = (c: Command): Set<string> =>
  new Set(["--help", "-h", ...c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f))]);

/** Problems with the sigrun invocations in `script` (unknown verbs or flags); empty when all exist. */
export function checkSigrunUses(script: string, program: Command): { problems: string[]; uses: string[] } {
  const problems: string[] = [];
  const uses: string[] = [];
  const arrays = shellArrays(script);
  for (const words of shellCommands(script)) {
    const at = words.indexOf("sigrun");
    if (at !== 0 && !(at > 0 && /^[A-Z_]+=/.test(words[0]!))) continue;
    const args = words.slice(at + 1).flatMap((w) => {
      const m = /^\$\{(\w+)\[@\]\}$/.exec(w);
      return m ? (arrays.get(m[1]!) ?? []) : [w];
    });
    let cmd = program;
    let i = 0;
    const path: string[] = [];
    while (i < args.length && !args[i]!.startsWith("-")) {
      const sub = cmd.commands.find((c) => c.name() === args[i] || c.aliases().includes(args[i]!));
      if (!sub) break;
      cmd = sub;
      path.push(args[i]!);
      i++;
    }
    if (cmd === program && i < args.length && !args[i]!.startsWith("-")) {
      problems.push(`unknown verb: sigrun ${args[i]}`);
      continue;
    }
    uses.push(`sigrun ${path.join(" ")}`.trim());
    const known = longFlags(cmd);
    for (const a of args.slice(i)) {
      if (a.startsWith(">") || a === "<") break;
      if (!a.startsWith("-") || a === "-" || a === "--") continue;
      const flag = a.split("=")[0]!;
      if (!known.has(flag)) problems.push(`sigrun ${path.join(" ")}: unknown flag ${flag}`);
    }
  }
  return { problems, uses };
}

export function runScripts(wf: Obj): { job: string; scripts: string[] }[] {
  return Object.entries(obj(wf.jobs, "jobs")).map(([name, j]) => ({
    job: name,
    scripts: ((obj(j, name).steps as Obj[] | undefined) ?? [])
      .map((s) => s.run)
      .filter((r): r is string => typeof r === "string"),
  }));
}
