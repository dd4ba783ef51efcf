// docs/guide/operating-agents.md promises "every command below exists as written": each `sigrun …` it
// prints (in sh blocks and inline) names a real verb path, and every --flag it gives is a flag of that verb
// (or of a parent verb, as `agent init` takes the agent's flags).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { type CommandNode, commandTree } from "./docgen.js";
import { buildProgram } from "./program.js";

const GUIDE = new URL("../../../docs/guide/operating-agents.md", import.meta.url);

/** The sigrun command lines of a Markdown text: sh blocks (continuations joined) and inline code. */
export function guideCommands(md: string): string[] {
  const out: string[] = [];
  const blocks = md.split("```");
  blocks.forEach((b, i) => {
    if (i % 2 === 1) {
      if (!b.startsWith("sh")) return;
      const text = b.slice(2).replace(/\\\n\s*/g, " ");
      for (const line of text.split("\n")) {
        const m = /(?:^|[;&|(]\s*|#\s*or:\s*|\$\(|\bdo\s+)(?:sudo\s+)?(sigrun\s[^;#)]*)/.exec(line);
        if (m) out.push(m[1]!.replace(/\s+/g, " ").trim());
      }
    } else {
      for (const m of b.matchAll(/`(?:sudo\s+)?(sigrun\s[^`]+)`/g))
        out.push(m[1]!.replace(/\s+/g, " ").trim());
    }
  });
  return out;
}

test("docs/guide/operating-agents.md: every sigrun command names a real verb and only its flags", () => {
  const nodes = commandTree(buildProgram());
  const byPath = new Map<string, CommandNode>(nodes.map((n) => [n.path, n]));
  const cmds = guideCommands(readFileSync(GUIDE, "utf8"));
  assert.ok(cmds.length >= 20, `found ${cmds.length} commands`);
  for (const c of cmds) {
    const words = c.split(/\s+/).slice(1);
    let path = "";
    let k = 0;
    while (k < words.length && byPath.get(path)?.subcommands.includes(words[k]!)) {
      path = path ? `${path} ${words[k]}` : words[k]!;
      k++;
    }
    assert.notEqual(path, "", `${c}: no verb`);
    const node = byPath.get(path)!;
    // a verb group without options of its own (fleet, jobs, trust) is not a command by itself
    assert.ok(node.subcommands.length === 0 || node.options.length > 0, `${c}: "${path}" needs a sub-verb`);
    const allowed = new Set<string>(["--help"]);
    for (let p = path; ; p = p.split(" ").slice(0, -1).join(" ")) {
      for (const o of byPath.get(p)?.options ?? []) {
        if (o.long) allowed.add(o.long);
        if (o.short) allowed.add(o.short);
      }
      if (p === "") break;
    }
    for (const w of words.slice(k)) {
      const flag = /^(--?[a-z][a-z0-9-]*)/.exec(w)?.[1];
      if (flag && flag !== "-") assert.ok(allowed.has(flag), `${c}: ${flag} is not a flag of sigrun ${path}`);
    }
  }
});

test("guideCommands finds block, continued and inline commands (the check above is not vacuous)", () => {
  const md = [
    "```sh",
    "sudo sigrun trust add /d k.pub --name a \\",
    "  --purpose bundle",
    "for h in a; do x; done; sigrun fleet ls --nats u",
    "```",
    "then `sigrun jobs list --to u` and `sigrun nope --x`.",
  ].join("\n");
  assert.deepEqual(guideCommands(md), [
    "sigrun trust add /d k.pub --name a --purpose bundle",
    "sigrun fleet ls --nats u",
    "sigrun jobs list --to u",
    "sigrun nope --x",
  ]);
});
