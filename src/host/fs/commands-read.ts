import type { HostContext } from "../context.js";
import { HostError } from "../errors.js";
import { compileRegex } from "../regex.js";
import { openFileFromPath } from "./file.js";
import { countFile, readFileLines, searchFile } from "./file-search.js";
import { splitLines } from "./read-bytes.js";

function withFile<T>(
  ctx: HostContext,
  path: string,
  fn: (f: ReturnType<typeof openFileFromPath>) => T,
  rw = false,
): T {
  const file = openFileFromPath(ctx, path, rw ? { read: true, write: true } : { read: true });
  try {
    return fn(file);
  } finally {
    file.close();
    file.dir.close();
  }
}

/** `cat(path)` / `cat([cat::number], path)`: open D(parent) ×2 (given, resolved), open F, read F. */
export function cat(ctx: HostContext, path: string, opts: { number?: boolean } = {}): string {
  const content = withFile(ctx, path, (f) => f.read());
  if (!opts.number) return content;
  return splitLines(content)
    .map((line, i) => `${String(i + 1).padStart(6, " ")}\t${line}`)
    .join("\n");
}

export interface GrepOptions {
  ignoreCase?: boolean;
  invert?: boolean;
  lineNumber?: boolean;
  count?: boolean;
  maxCount?: number;
}

/** `grep(pattern, path)`: search (read F); with `invert` the file is read again (read F). */
export function grep(ctx: HostContext, pattern: string, path: string, opts: GrepOptions = {}): string[] {
  const search = opts.ignoreCase ? `(?i)${pattern}` : pattern;
  return withFile(ctx, path, (f) => {
    const matches = searchFile(f, search);
    let rows: Array<[number, string]>;
    if (opts.invert) {
      const content = f.read();
      const hit = new Set(matches.map((m) => m.line_number));
      rows = splitLines(content)
        .map((line, i) => [i + 1, line] as [number, string])
        .filter(([n]) => !hit.has(n));
    } else rows = matches.map((m) => [m.line_number, m.line_content]);
    if (opts.maxCount !== undefined && opts.maxCount > 0) rows = rows.slice(0, opts.maxCount);
    if (opts.count) return [String(rows.length)];
    return rows.map(([n, line]) => (opts.lineNumber ? `${n}:${line}` : line));
  });
}

export interface TailOptions {
  n?: number;
  from?: number;
  range?: [number, number];
}

/** `tail(path)`: last 10 lines; `n(k)`: k<0 last -k, k>0 FIRST k (as Rex); `from(l)`; `range(a, b)`. */
export function tail(ctx: HostContext, path: string, opts: TailOptions = {}): string[] {
  let count: number | undefined;
  let start: number | undefined;
  if (opts.range) {
    start = opts.range[0];
    count = opts.range[1] - opts.range[0] + 1;
  }
  if (opts.n !== undefined) count = opts.n;
  if (opts.from !== undefined) start = opts.from;
  if (count === undefined && start === undefined) count = -10;
  return withFile(ctx, path, (f) => readFileLines(f, { count, start }));
}

export interface SedOptions {
  regex?: boolean;
  all?: boolean;
  inPlace?: boolean;
}

/** Rex's `replace_text`: first occurrence in the whole text unless `all`; `regex` for a pattern. */
export function replaceText(
  text: string,
  from: string,
  to: string,
  opts: { regex?: boolean; all?: boolean },
): string {
  if (opts.regex) return compileRegex(from).replace(text, to, opts.all === true);
  if (!text.includes(from)) return text;
  return opts.all ? text.split(from).join(to) : text.replace(from, () => to);
}

/** `sed(pat, rep, path)`: read F; with `in_place` the file is opened read+write, then write F. */
export function sed(
  ctx: HostContext,
  pattern: string,
  replacement: string,
  path: string,
  opts: SedOptions = {},
): string {
  return withFile(
    ctx,
    path,
    (f) => {
      const content = f.read();
      const result = replaceText(content, pattern, replacement, opts);
      if (opts.inPlace) f.writeInPlace(result);
      return result;
    },
    opts.inPlace === true,
  );
}

/** `wc(path)`: map of lines/words/bytes (restricted by flags). */
export function wc(
  ctx: HostContext,
  path: string,
  opts: { lines?: boolean; words?: boolean; bytes?: boolean } = {},
): Record<string, number> {
  const all = !opts.lines && !opts.words && !opts.bytes;
  const c = withFile(ctx, path, (f) => countFile(f));
  const out: Record<string, number> = {};
  if (all || opts.lines) out.lines = c.line_count;
  if (all || opts.words) out.words = c.word_count;
  if (all || opts.bytes) out.bytes = c.byte_count;
  return out;
}

function fieldIndex(n: number): number {
  if (n < 1) throw new HostError("InvalidArguments", "Invalid arguments: awk: field number must be >= 1");
  return n - 1;
}

function readLinesOf(ctx: HostContext, path: string): string[] {
  return splitLines(withFile(ctx, path, (f) => f.read()));
}

export function awkSplit(text: string, sep: string): string[] {
  return text.split(sep);
}

export function awkField(ctx: HostContext, n: number, sep: string, path: string): string[] {
  const idx = fieldIndex(n);
  return readLinesOf(ctx, path).flatMap((l) => {
    const f = l.split(sep)[idx];
    return f === undefined ? [] : [f];
  });
}

export function awkFilter(ctx: HostContext, pattern: string, path: string): string[] {
  return readLinesOf(ctx, path).filter((l) => l.includes(pattern));
}

export function awkFilterField(
  ctx: HostContext,
  n: number,
  sep: string,
  pattern: string,
  path: string,
): string[] {
  const idx = fieldIndex(n);
  return readLinesOf(ctx, path).filter((l) => l.split(sep)[idx]?.includes(pattern) === true);
}

export function awkSum(ctx: HostContext, n: number, sep: string, path: string): number {
  const idx = fieldIndex(n);
  let total = 0;
  for (const l of readLinesOf(ctx, path)) {
    const f = l.split(sep)[idx]?.trim();
    if (
      f !== undefined &&
      /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity|nan)$/i.test(f)
    ) {
      total += Number(f.replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
    }
  }
  return total;
}

export function awkCountUnique(
  ctx: HostContext,
  n: number,
  sep: string,
  path: string,
): Record<string, number> {
  const idx = fieldIndex(n);
  const out: Record<string, number> = {};
  for (const l of readLinesOf(ctx, path)) {
    const f = l.split(sep)[idx];
    if (f !== undefined) out[f] = (out[f] ?? 0) + 1;
  }
  return out;
}

export function awkFilterRange(ctx: HostContext, start: number, end: number, path: string): string[] {
  if (start < 1 || end < start) {
    throw new HostError("InvalidArguments", `Invalid arguments: awk: invalid range ${start}..${end}`);
  }
  return readLinesOf(ctx, path).slice(start - 1, end);
}

/** Cap on `seq` (Rex has none: `seq(1, 10^12)` runs out of memory there). */
export const MAX_SEQ_VALUES = 10_000_000;

/** `seq(a, b)` / `seq([seq::step(n)], a, b)`: inclusive; no Cedar check. */
export function seq(start: bigint, end: bigint, step = 1n): bigint[] {
  if (step === 0n) throw new HostError("InvalidArguments", "Invalid arguments: seq: step cannot be zero");
  const span = step > 0n ? end - start : start - end;
  const count = span < 0n ? 0n : span / (step > 0n ? step : -step) + 1n;
  if (count > BigInt(MAX_SEQ_VALUES)) {
    throw new HostError("InvalidArguments", `Invalid arguments: seq: more than ${MAX_SEQ_VALUES} values`);
  }
  const out: bigint[] = [];
  for (let i = start; step > 0n ? i <= end : i >= end; i += step) out.push(i);
  return out;
}
