// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the completion scripts are shell code, ${…} is shell syntax
import type { Command } from "commander";
import { EXIT_CODES } from "./exit-codes.js";

/**
 * Shell completion scripts and the man page, generated from the command definitions themselves (the
 * commander tree `buildProgram()` returns), so they cannot drift from the flags: `sigrun completion
 * bash|zsh|fish` prints a script, `scripts/gen-man.mjs` writes man/sigrun.1, and a test regenerates both
 * and compares.
 */
export interface CommandNode {
  /** Verb path below `sigrun` ("" for the program, "bundle sign"). */
  readonly path: string;
  readonly usage: string;
  readonly description: string;
  readonly options: readonly {
    readonly flags: string;
    readonly long?: string;
    readonly short?: string;
    readonly description: string;
    readonly takesValue: boolean;
  }[];
  readonly subcommands: readonly string[];
}

export function commandTree(program: Command): CommandNode[] {
  const out: CommandNode[] = [];
  const walk = (cmd: Command, path: string) => {
    const subs = cmd.commands.filter((c) => c.name() !== "help");
    out.push({
      path,
      usage: `sigrun${path ? ` ${path}` : ""} ${cmd.usage()}`.trim(),
      description: cmd.description(),
      options: [...cmd.options, ...(path ? [] : [])]
        .filter((o) => !o.hidden)
        .map((o) => ({
          flags: o.flags,
          ...(o.long ? { long: o.long } : {}),
          ...(o.short ? { short: o.short } : {}),
          description: o.description,
          takesValue: o.required || o.optional,
        })),
      subcommands: subs.map((c) => c.name()),
    });
    for (const c of subs) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(program, "");
  return out;
}

const optionWords = (n: CommandNode) =>
  [...n.options.flatMap((o) => [o.short, o.long].filter((x): x is string => !!x)), "--help"].join(" ");

function caseTable(nodes: readonly CommandNode[], fn: string, pick: (n: CommandNode) => string): string {
  const arms = nodes.map((n) => `    "${n.path}") echo "${pick(n)}" ;;`);
  return [`${fn}() {`, '  case "$1" in', ...arms, "  esac", "}"].join("\n");
}

const HEADER = "# generated from sigrun's command definitions (sigrun completion); do not edit";

export function bashCompletion(nodes: readonly CommandNode[]): string {
  return `${[
    HEADER,
    caseTable(nodes, "_sigrun_subs", (n) => n.subcommands.join(" ")),
    caseTable(nodes, "_sigrun_opts", optionWords),
    "_sigrun() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" path="" w i subs',
    "  for ((i = 1; i < COMP_CWORD; i++)); do",
    '    w="${COMP_WORDS[i]}"',
    "    [[ $w == -* ]] && continue",
    '    subs=" $(_sigrun_subs "$path") "',
    '    [[ $subs == *" $w "* ]] && path="${path:+$path }$w"',
    "  done",
    "  if [[ $cur == -* ]]; then",
    '    COMPREPLY=($(compgen -W "$(_sigrun_opts "$path")" -- "$cur"))',
    "  else",
    '    subs="$(_sigrun_subs "$path")"',
    '    if [[ -n $subs ]]; then COMPREPLY=($(compgen -W "$subs" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi',
    "  fi",
    "}",
    "complete -o default -F _sigrun sigrun",
  ].join("\n")}\n`;
}

export function zshCompletion(nodes: readonly CommandNode[]): string {
  return `${[
    "#compdef sigrun",
    HEADER,
    caseTable(nodes, "_sigrun_subs", (n) => n.subcommands.join(" ")),
    caseTable(nodes, "_sigrun_opts", optionWords),
    "_sigrun() {",
    '  local w p="" subs',
    "  for w in ${words[2,CURRENT-1]}; do",
    "    [[ $w == -* ]] && continue",
    '    subs=" $(_sigrun_subs "$p") "',
    '    [[ $subs == *" $w "* ]] && p="${p:+$p }$w"',
    "  done",
    "  if [[ ${words[CURRENT]} == -* ]]; then",
    '    compadd -- ${=$(_sigrun_opts "$p")}',
    "  else",
    '    subs="$(_sigrun_subs "$p")"',
    "    if [[ -n $subs ]]; then compadd -- ${=subs}; else _files; fi",
    "  fi",
    "}",
    'if [[ "$funcstack[1]" == _sigrun ]]; then _sigrun "$@"; else compdef _sigrun sigrun; fi',
  ].join("\n")}\n`;
}

const fishQuote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function fishCompletion(nodes: readonly CommandNode[]): string {
  const lines = [HEADER, "complete -c sigrun -f"];
  for (const n of nodes) {
    const words = n.path ? n.path.split(" ") : [];
    const seen = words.map((w) => `__fish_seen_subcommand_from ${w}`);
    const noSub = n.subcommands.length ? [`not __fish_seen_subcommand_from ${n.subcommands.join(" ")}`] : [];
    const cond = words.length === 0 ? "__fish_use_subcommand" : [...seen, ...noSub].join("; and ");
    for (const s of n.subcommands) {
      const child = nodes.find((c) => c.path === (n.path ? `${n.path} ${s}` : s));
      const firstLine = (child?.description ?? "").split(/[.:;(]/)[0]!.slice(0, 80);
      lines.push(`complete -c sigrun -n ${fishQuote(cond)} -a ${s} -d ${fishQuote(firstLine)}`);
    }
    for (const o of n.options) {
      const parts = ["complete -c sigrun", `-n ${fishQuote(cond)}`];
      if (o.long) parts.push(`-l ${o.long.replace(/^--/, "")}`);
      if (o.short) parts.push(`-s ${o.short.replace(/^-/, "")}`);
      if (o.takesValue) parts.push("-r -F");
      parts.push(`-d ${fishQuote(o.description.slice(0, 80))}`);
      lines.push(parts.join(" "));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** roff-escapes text: backslashes, leading dots/quotes, hyphens in flags. */
function roff(text: string): string {
  return text
    .replace(/\\/g, "\\e")
    .replace(/-/g, "\\-")
    .split("\n")
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join("\n");
}

export function manPage(nodes: readonly CommandNode[], version: string): string {
  const root = nodes[0]!;
  const out = [
    ".\\\" generated from sigrun's command definitions (npm run man); do not edit",
    `.TH SIGRUN 1 "" "sigrun ${version}" "User Commands"`,
    ".SH NAME",
    `sigrun \\- ${roff(root.description)}`,
    ".SH SYNOPSIS",
    ".B sigrun",
    ".I verb",
    "[\\fIoptions\\fR] [\\fIarguments\\fR]",
    ".SH DESCRIPTION",
    roff(
      'Every verb takes --help. A file argument of - means stdin, an output of - means stdout; -o always names an output path (except the Rex output format of run in Rex mode). Usage errors print one line and exit 2. Verbs with --json print a JSON object on stdout, on failure too: {"version":1,"ok":false,"code":…,"message":…}. Secrets are never taken on the command line: files, environment variables, or a terminal prompt.',
    ),
    ".SH COMMANDS",
  ];
  for (const n of nodes.slice(1)) {
    out.push(`.SS "${roff(n.usage)}"`, roff(n.description));
    for (const o of n.options) out.push(".TP", `.B ${roff(o.flags)}`, roff(o.description));
  }
  out.push(
    ".SH OPTIONS",
    ...root.options.flatMap((o) => [".TP", `.B ${roff(o.flags)}`, roff(o.description)]),
    ".SH EXIT STATUS",
    ".TP",
    ".B 0",
    "success",
    ".TP",
    ".B 1",
    "failure without a specific code",
    ...Object.entries(EXIT_CODES)
      .sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0))
      .flatMap(([code, n]) => [".TP", `.B ${n}`, roff(code)]),
    ".SH FILES",
    ".TP",
    ".I $XDG_CONFIG_HOME/sigrun/config.toml \\fRor\\fP config.json",
    roff("defaults for --trust, --key, --relay and submit's --to (see sigrun config show); flags override."),
    ".SH SEE ALSO",
    "ssh\\-keygen(1), gpg(1), openssl(1), age(1)",
  );
  return `${out.join("\n")}\n`;
}
