import type { DirEntry, HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, num, str } from "./binder.js";
import { flagModule, flagValue, has, readFlags } from "./flags.js";
import { dirEntryValue } from "./fs-values.js";

const big = (n: number): Value => V.int(n);

function entriesMap(entries: DirEntry[], ctx: HostContext): Value {
  const m = new Map<string, Value>();
  for (const e of entries) m.set(e.name, dirEntryValue(ctx, e));
  return V.map(m);
}

/** Rex's shell-style file-system commands and their flag modules (rex.md §3.3). */
export function bindFsCommands(b: Binder, ctx: HostContext): void {
  flagModule(b, "cat", "CatFlag", { number: "number", n: "number" });
  flagModule(b, "ls", "LsFlag", {
    all: "all",
    a: "all",
    long: "long",
    l: "long",
    recursive: "recursive",
    R: "recursive",
  });
  flagModule(
    b,
    "grep",
    "GrepFlag",
    { ignore_case: "i", i: "i", invert: "v", v: "v", line_number: "n", n: "n", count: "c", c: "c" },
    { max_count: { flag: "m", arity: 1 }, m: { flag: "m", arity: 1 } },
  );
  flagModule(
    b,
    "tail",
    "TailFlag",
    {},
    { n: { flag: "n", arity: 1 }, from: { flag: "from", arity: 1 }, range: { flag: "range", arity: 2 } },
  );
  flagModule(b, "sed", "SedFlag", {
    regex: "regex",
    all: "all",
    g: "all",
    in_place: "in_place",
    i: "in_place",
  });
  flagModule(b, "write", "WriteFlag", { append: "append", a: "append", replace: "replace", r: "replace" });
  flagModule(b, "mkdir", "MkdirFlag", { parents: "parents", p: "parents" });
  flagModule(b, "rm", "RmFlag", { force: "force", f: "force", recursive: "recursive", r: "recursive" });
  flagModule(b, "cp", "CpFlag", { force: "force", f: "force", preserve: "preserve", p: "preserve" });
  flagModule(b, "mv", "MvFlag", { backup: "backup", b: "backup", verbose: "verbose", v: "verbose" });
  flagModule(b, "glob", "GlobFlag", { recursive: "recursive", r: "recursive" });
  flagModule(b, "wc", "WcFlag", {
    lines: "lines",
    l: "lines",
    words: "words",
    w: "words",
    bytes: "bytes",
    c: "bytes",
  });
  flagModule(b, "seq", "SeqFlag", {}, { step: { flag: "step", arity: 1 } });
  flagModule(
    b,
    "du",
    "DuFlag",
    { summarize: "s", s: "s", all_files: "a", a: "a", apparent_size: "apparent" },
    { max_depth: { flag: "d", arity: 1 }, d: { flag: "d", arity: 1 } },
  );

  const cat = (flags: Value, p: Value) =>
    h.cat(ctx, str(p), { number: has(readFlags("cat", "CatFlag", flags), "number") });
  b.fn("cat", ["string"], ([p]) => cat([], p));
  b.fn("cat", ["array", "string"], ([f, p]) => cat(f, p));

  const ls = (flags: Value, p: Value) =>
    entriesMap(h.ls(ctx, str(p), { all: has(readFlags("ls", "LsFlag", flags), "all") }), ctx);
  b.fn("ls", ["string"], ([p]) => ls([], p));
  b.fn("ls", ["array", "string"], ([f, p]) => ls(f, p));

  const grep = (flags: Value, pat: Value, p: Value) => {
    const fl = readFlags("grep", "GrepFlag", flags);
    const m = flagValue(fl, "m")?.value;
    return V.array(
      h
        .grep(ctx, str(pat), str(p), {
          ignoreCase: has(fl, "i"),
          invert: has(fl, "v"),
          lineNumber: has(fl, "n"),
          count: has(fl, "c"),
          maxCount: m === undefined ? undefined : Number(m),
        })
        .map(V.str),
    );
  };
  b.fn("grep", ["string", "string"], ([pat, p]) => grep([], pat, p));
  b.fn("grep", ["array", "string", "string"], ([f, pat, p]) => grep(f, pat, p));

  const tail = (flags: Value, p: Value) => {
    const fl = readFlags("tail", "TailFlag", flags);
    const n = flagValue(fl, "n");
    const from = flagValue(fl, "from");
    const range = flagValue(fl, "range");
    return V.array(
      h
        .tail(ctx, str(p), {
          n: n?.value === undefined ? undefined : Number(n.value),
          from: from?.value === undefined ? undefined : Number(from.value),
          range: range?.value === undefined ? undefined : [Number(range.value), Number(range.value2)],
        })
        .map(V.str),
    );
  };
  b.fn("tail", ["string"], ([p]) => tail([], p));
  b.fn("tail", ["array", "string"], ([f, p]) => tail(f, p));

  const sed = (flags: Value, pat: Value, rep: Value, p: Value) => {
    const fl = readFlags("sed", "SedFlag", flags);
    return h.sed(ctx, str(pat), str(rep), str(p), {
      regex: has(fl, "regex"),
      all: has(fl, "all"),
      inPlace: has(fl, "in_place"),
    });
  };
  b.fn("sed", ["string", "string", "string"], ([a, r, p]) => sed([], a, r, p));
  b.fn("sed", ["array", "string", "string", "string"], ([f, a, r, p]) => sed(f, a, r, p));

  b.fn("write", ["string", "string"], ([p, c]) => h.write(ctx, str(p), str(c)));
  b.fn("write", ["array", "string", "string"], ([f, p, c]) =>
    h.write(ctx, str(p), str(c), { replace: has(readFlags("write", "WriteFlag", f), "replace") }),
  );

  b.fn("touch", ["string"], ([p]) => h.touch(ctx, str(p)));

  b.fn("mkdir", ["string"], ([p]) => h.mkdir(ctx, str(p)));
  b.fn("mkdir", ["array", "string"], ([f, p]) =>
    h.mkdir(ctx, str(p), { parents: has(readFlags("mkdir", "MkdirFlag", f), "parents") }),
  );

  const rm = (flags: Value, p: Value) => {
    const fl = readFlags("rm", "RmFlag", flags);
    return h.rm(ctx, str(p), { force: has(fl, "force"), recursive: has(fl, "recursive") });
  };
  b.fn("rm", ["string"], ([p]) => rm([], p));
  b.fn("rm", ["array", "string"], ([f, p]) => rm(f, p));

  const cp = (flags: Value, s: Value, d: Value) => {
    const fl = readFlags("cp", "CpFlag", flags);
    return h.cp(ctx, str(s), str(d), { force: has(fl, "force"), preserve: has(fl, "preserve") });
  };
  b.fn("cp", ["string", "string"], ([s, d]) => cp([], s, d));
  b.fn("cp", ["array", "string", "string"], ([f, s, d]) => cp(f, s, d));

  const mv = (flags: Value, s: Value, d: Value) => {
    const fl = readFlags("mv", "MvFlag", flags);
    return h.mv(ctx, str(s), str(d), { backup: has(fl, "backup"), verbose: has(fl, "verbose") });
  };
  b.fn("mv", ["string", "string"], ([s, d]) => mv([], s, d));
  b.fn("mv", ["array", "string", "string"], ([f, s, d]) => mv(f, s, d));

  const find = (flags: Value, pat: Value, p: Value) =>
    V.array(
      h
        .findFiles(ctx, str(pat), str(p), {
          recursive: has(readFlags("find_files", "GlobFlag", flags), "recursive"),
        })
        .map(V.str),
    );
  b.fn("find_files", ["string", "string"], ([pat, p]) => find([], pat, p));
  b.fn("find_files", ["array", "string", "string"], ([f, pat, p]) => find(f, pat, p));

  const wc = (flags: Value, p: Value) => {
    const fl = readFlags("wc", "WcFlag", flags);
    const r = h.wc(ctx, str(p), {
      lines: has(fl, "lines"),
      words: has(fl, "words"),
      bytes: has(fl, "bytes"),
    });
    const m = new Map<string, Value>();
    for (const [k, v] of Object.entries(r)) m.set(k, big(v));
    return V.map(m);
  };
  b.fn("wc", ["string"], ([p]) => wc([], p));
  b.fn("wc", ["array", "string"], ([f, p]) => wc(f, p));

  const seq = (flags: Value, a: Value, z: Value) => {
    const step = flagValue(readFlags("seq", "SeqFlag", flags), "step")?.value ?? 1n;
    return V.array(h.seq(V.asBigInt(a), V.asBigInt(z), step).map((n) => V.int(n)));
  };
  b.fn("seq", ["i64", "i64"], ([a, z]) => seq([], a, z));
  b.fn("seq", ["array", "i64", "i64"], ([f, a, z]) => seq(f, a, z));

  const du = (flags: Value, p: Value) => {
    const fl = readFlags("du", "DuFlag", flags);
    const d = flagValue(fl, "d")?.value;
    const r = h.du(ctx, str(p), {
      summarize: has(fl, "s"),
      allFiles: has(fl, "a"),
      apparentSize: has(fl, "apparent"),
      maxDepth: d === undefined ? undefined : Number(d),
    });
    return V.map({
      entries: V.array(
        r.entries.map((e) =>
          V.map({ path: V.str(e.path), size_bytes: big(e.size_bytes), inode_count: big(e.inode_count) }),
        ),
      ),
      total_size_bytes: big(r.total_size_bytes),
      total_inode_count: big(r.total_inode_count),
    });
  };
  b.fn("du", ["string"], ([p]) => du([], p));
  b.fn("du", ["array", "string"], ([f, p]) => du(f, p));

  b.fn("awk_split", ["string", "string"], ([t, s]) => V.array(h.awkSplit(str(t), str(s)).map(V.str)));
  b.fn("awk_field", ["i64", "string", "string"], ([n, s, p]) =>
    V.array(h.awkField(ctx, num(n), str(s), str(p)).map(V.str)),
  );
  b.fn("awk_filter", ["string", "string"], ([pat, p]) =>
    V.array(h.awkFilter(ctx, str(pat), str(p)).map(V.str)),
  );
  b.fn("awk_filter_field", ["i64", "string", "string", "string"], ([n, s, pat, p]) =>
    V.array(h.awkFilterField(ctx, num(n), str(s), str(pat), str(p)).map(V.str)),
  );
  b.fn("awk_sum", ["i64", "string", "string"], ([n, s, p]) => V.float(h.awkSum(ctx, num(n), str(s), str(p))));
  b.fn("awk_count_unique", ["i64", "string", "string"], ([n, s, p]) => {
    const m = new Map<string, Value>();
    for (const [k, v] of Object.entries(h.awkCountUnique(ctx, num(n), str(s), str(p)))) m.set(k, big(v));
    return V.map(m);
  });
  b.fn("awk_filter_range", ["i64", "i64", "string"], ([a, z, p]) =>
    V.array(h.awkFilterRange(ctx, num(a), num(z), str(p)).map(V.str)),
  );
}
