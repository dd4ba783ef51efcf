// Script-supplied patterns, compiled in ONE place for a linear-time engine. A backtracking engine
// (JS RegExp) can take exponential time on a pattern like `^(a+)+$`, and a host call is synchronous,
// so the runner's wall clock cannot interrupt it. Every host function that takes a pattern from a
// script (grep, sed, replace_text, file.search, find_files globs, …) compiles it here.
//
// Engine: re2js (a JavaScript port of RE2/Go regexp: automata only, time linear in the input). Its
// syntax is RE2's, which is the syntax of Rust's `regex` crate that Rex uses (no look-around, no
// back-references): `(?i)`, `(?P<name>…)`/`(?<name>…)`, `\d`, `\pL`, `[[:alpha:]]`, `{m,n}` ≤ 1000.
import { RE2JS } from "re2js";
import { HostError } from "./errors.js";

/** Longest pattern accepted (characters). Compile time grows with the program (`(x{1000})` × n). */
export const MAX_PATTERN_LENGTH = 4096;

export interface RegexMatch {
  /** UTF-16 offsets of the whole match. */
  readonly start: number;
  readonly end: number;
  /** The text of a capture group by number or name; undefined when it did not take part. */
  group(ref: number | string): string | undefined;
}

export interface ScriptRegex {
  /** The pattern as the script gave it. */
  readonly pattern: string;
  /** Whether the pattern matches anywhere in `text` (DFA, no captures). */
  test(text: string): boolean;
  /** Successive non-overlapping matches; an empty match right after the previous one is skipped (Rust, Go). */
  matches(text: string): IterableIterator<RegexMatch>;
  /** Rust's `Regex::replace` (first match) / `replace_all`: `$1`, `$name`, `${name}`, `$$` in `replacement`. */
  replace(text: string, replacement: string, all: boolean): string;
}

export interface RegexOptions {
  ignoreCase?: boolean;
}

function invalid(pattern: string, kind: string, why: string): HostError {
  return new HostError("ValidationError", `Validation error: Invalid ${kind} pattern: '${pattern}' - ${why}`);
}

/** Compiles a script's regular expression (Rust `regex` syntax) for linear-time matching. */
export function compileRegex(pattern: string, opts: RegexOptions = {}): ScriptRegex {
  return compileAs(pattern, opts.ignoreCase ? `(?i)${pattern}` : pattern, "regex");
}

function compileAs(shown: string, source: string, kind: string): ScriptRegex {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw invalid(shown.slice(0, 64), kind, `longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    throw invalid(shown, kind, (err as Error).message);
  }
  return new Compiled(shown, re);
}

class Compiled implements ScriptRegex {
  constructor(
    readonly pattern: string,
    private readonly re: RE2JS,
  ) {}

  test(text: string): boolean {
    return this.re.test(text);
  }

  *matches(text: string): IterableIterator<RegexMatch> {
    const m = this.re.matcher(text);
    let from = 0;
    let lastEnd = -1;
    const named = this.re.namedGroups() as Record<string, number>;
    while (from <= text.length && m.find(from)) {
      const start = m.start();
      const end = m.end();
      if (start === end && end === lastEnd) {
        // an empty match touching the previous match: search again one code point further
        from = end + codePointWidth(text, end);
        continue;
      }
      lastEnd = end;
      from = end === start ? end + codePointWidth(text, end) : end;
      const groups: Array<string | null> = [];
      for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i));
      yield {
        start,
        end,
        group: (ref) => {
          const i = typeof ref === "number" ? ref : named[ref];
          const g = i === undefined ? undefined : groups[i];
          return g ?? undefined;
        },
      };
    }
  }

  replace(text: string, replacement: string, all: boolean): string {
    let out = "";
    let last = 0;
    for (const m of this.matches(text)) {
      out += text.slice(last, m.start) + expand(replacement, m);
      last = m.end;
      if (!all) break;
    }
    return out + text.slice(last);
  }
}

function codePointWidth(text: string, i: number): number {
  const c = text.codePointAt(i);
  return c !== undefined && c > 0xffff ? 2 : 1;
}

const NAME_CHAR = /[0-9A-Za-z_]/;

/** Rust `regex` replacement syntax: `$$` is `$`; `${ref}` or the longest `$[0-9A-Za-z_]+`; else literal. */
function expand(replacement: string, m: RegexMatch): string {
  let out = "";
  let i = 0;
  while (i < replacement.length) {
    const c = replacement[i]!;
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    if (replacement[i + 1] === "$") {
      out += "$";
      i += 2;
      continue;
    }
    let ref: string;
    let next: number;
    if (replacement[i + 1] === "{") {
      const close = replacement.indexOf("}", i + 2);
      if (close < 0) {
        out += c;
        i++;
        continue;
      }
      ref = replacement.slice(i + 2, close);
      next = close + 1;
    } else {
      let j = i + 1;
      while (j < replacement.length && NAME_CHAR.test(replacement[j]!)) j++;
      ref = replacement.slice(i + 1, j);
      next = j;
    }
    if (ref === "") {
      out += c;
      i++;
      continue;
    }
    out += (/^\d+$/.test(ref) ? m.group(Number(ref)) : m.group(ref)) ?? "";
    i = next;
  }
  return out;
}

const GLOB_META = /[\\.+*?()|[\]{}^$]/g;

/**
 * Compiles a shell glob on one name (`*`, `?`, `[…]`, `[!…]`) to an anchored pattern of the same
 * engine: `*` and `?` never match `/`.
 */
export function compileGlob(glob: string, opts: RegexOptions = {}): ScriptRegex {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) {
        throw new HostError(
          "ValidationError",
          "Validation error: Invalid glob pattern: - unclosed character class",
        );
      }
      let cls = glob.slice(i + 1, end);
      if (cls.startsWith("!")) cls = `^${cls.slice(1)}`;
      out += `[${cls.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else out += c.replace(GLOB_META, "\\$&");
  }
  return compileAs(glob, `${opts.ignoreCase ? "(?i)" : ""}^${out}$`, "glob");
}
