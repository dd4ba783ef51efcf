// The permitted/denied case for every Cedar-gated script function (Rex's build enforces the same pairing).
// Used by host-api.test.ts (runs them) and registry.test.ts (fails when a gated function has no case).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { DISK_CASES, isDiskUngated } from "./disk.js";
import { FILE_CASES, isFileUngated } from "./files.js";
import { FILE_EXTRA_CASES, isFileExtraUngated } from "./files-extra.js";
import { isNetworkUngated, NETWORK_CASES } from "./network.js";
import { isProcessUngated, PROCESS_CASES } from "./process.js";
import { REFUSED_CASES } from "./refused.js";
import { isSysinfoUngated, SYSINFO_CASES } from "./sysinfo.js";
import { isSysinfoKernelUngated, SYSINFO_KERNEL_CASES } from "./sysinfo-kernel.js";
import { isSystemdUngated, SYSTEMD_CASES } from "./systemd.js";

export interface HostCase {
  /** Registry name: `fn`, `Type.method`. */
  name: string;
  setup?: (d: string) => void;
  script: (d: string, env: CaseEnv) => string;
  allow: (d: string, env: CaseEnv) => string;
  /** Default: the empty policy (everything denied). */
  deny?: (d: string, env: CaseEnv) => string;
  output?: string | RegExp;
  /** Expected decision trail of the permitted run: `allow|deny <verb> <Type>::"<id>"` with `$D` for the dir. */
  seq?: string[];
  effect?: (d: string) => void;
  /** After the denied run: nothing happened. */
  noEffect?: (d: string) => void;
  /** Denied runs that succeed with a filtered result instead (ps). */
  deniedOutput?: string | RegExp;
  skip?: (env: CaseEnv) => string | false;
  /** Skips only the permitted run (the denied run still runs). */
  skipAllowed?: (env: CaseEnv) => string | false;
}

export interface CaseEnv {
  /** Base URL of a local HTTP server answering "pong". */
  httpBase?: string;
  /** A child process the kill case may signal. */
  victimPid?: number;
}

const ALL = (d: string) => `permit(principal, action, resource in file_system::Dir::"${d}");`;
const OPEN_DIR = (d: string) => `DirConfig().path("${d}").build().open(OpenDirOptions().build())`;
const RO = `OpenFileOptions().read(true).build()`;
const RW = `OpenFileOptions().read(true).write(true).build()`;
const hasEnvBin = () => (existsSync("/usr/bin/env") ? false : "no /usr/bin/env");

export const HOST_CASES: HostCase[] = [
  {
    name: "cat",
    setup: (d) => writeFileSync(`${d}/a.txt`, "hello"),
    script: (d) => `cat("${d}/a.txt")`,
    allow: ALL,
    output: "hello",
    seq: [
      'allow open Dir::"$D"',
      'allow open Dir::"$D"',
      'allow open File::"$D/a.txt"',
      'allow read File::"$D/a.txt"',
    ],
  },
  {
    name: "ls",
    setup: (d) => writeFileSync(`${d}/a.txt`, ""),
    script: (d) => `ls("${d}").keys()`,
    allow: ALL,
    output: '["a.txt"]',
    seq: ['allow open Dir::"$D"', 'allow open Dir::"$D"', 'allow read Dir::"$D"'],
  },
  {
    name: "grep",
    setup: (d) => writeFileSync(`${d}/g.txt`, "one\nTwo\n"),
    script: (d) => `grep([grep::i, grep::n], "two", "${d}/g.txt")`,
    allow: ALL,
    output: '["2:Two"]',
  },
  {
    name: "tail",
    setup: (d) => writeFileSync(`${d}/t.txt`, "1\n2\n3\n"),
    script: (d) => `tail([tail::n(-2)], "${d}/t.txt")`,
    allow: ALL,
    output: '["2", "3"]',
  },
  {
    name: "sed",
    setup: (d) => writeFileSync(`${d}/s.txt`, "aXa"),
    script: (d) => `sed([sed::g, sed::i], "a", "b", "${d}/s.txt")`,
    allow: ALL,
    output: "bXb",
    effect: (d) => assert.equal(readFileSync(`${d}/s.txt`, "utf8"), "bXb"),
    noEffect: (d) => assert.equal(readFileSync(`${d}/s.txt`, "utf8"), "aXa"),
  },
  {
    name: "write",
    script: (d) => `write("${d}/w.txt", "a"); write("${d}/w.txt", "b"); cat("${d}/w.txt")`,
    allow: ALL,
    output: "ab",
    noEffect: (d) => assert.ok(!existsSync(`${d}/w.txt`)),
  },
  {
    name: "touch",
    script: (d) => `touch("${d}/t")`,
    allow: ALL,
    seq: ['allow open Dir::"$D"', 'allow open File::"$D/t"', 'allow create File::"$D/t"'],
    effect: (d) => assert.ok(existsSync(`${d}/t`)),
    noEffect: (d) => assert.ok(!existsSync(`${d}/t`)),
  },
  {
    name: "mkdir",
    script: (d) => `mkdir([mkdir::p], "${d}/x/y")`,
    allow: ALL,
    effect: (d) => assert.ok(existsSync(`${d}/x/y`)),
    noEffect: (d) => assert.ok(!existsSync(`${d}/x`)),
  },
  {
    name: "rm",
    setup: (d) => writeFileSync(`${d}/r`, ""),
    script: (d) => `rm("${d}/r")`,
    allow: ALL,
    effect: (d) => assert.ok(!existsSync(`${d}/r`)),
    noEffect: (d) => assert.ok(existsSync(`${d}/r`)),
  },
  {
    name: "cp",
    setup: (d) => writeFileSync(`${d}/c1`, "data"),
    script: (d) => `cp("${d}/c1", "${d}/c2")`,
    allow: ALL,
    effect: (d) => assert.equal(readFileSync(`${d}/c2`, "utf8"), "data"),
    noEffect: (d) => assert.ok(!existsSync(`${d}/c2`)),
  },
  {
    name: "mv",
    setup: (d) => writeFileSync(`${d}/m1`, "data"),
    script: (d) => `mv("${d}/m1", "${d}/m2")`,
    allow: ALL,
    // only the move itself is refused: its destination is in the context
    deny: (d) =>
      `${ALL(d)}\nforbid(principal, action == file_system::Action::"move", resource) when { context.destination.name == "m2" };`,
    effect: (d) => assert.ok(existsSync(`${d}/m2`) && !existsSync(`${d}/m1`)),
    noEffect: (d) => assert.ok(existsSync(`${d}/m1`) && !existsSync(`${d}/m2`)),
  },
  {
    name: "find_files",
    setup: (d) => {
      mkdirSync(`${d}/s`);
      writeFileSync(`${d}/s/x.log`, "");
      writeFileSync(`${d}/y.log`, "");
    },
    script: (d) => `let r = find_files([glob::recursive], "*.log", "${d}"); r.sort(); r`,
    allow: ALL,
    output: '["x.log", "y.log"]',
  },
  {
    name: "wc",
    setup: (d) => writeFileSync(`${d}/w`, "a b\n"),
    script: (d) => `let m = wc("${d}/w"); \`\${m.lines} \${m.words} \${m.bytes}\``,
    allow: ALL,
    output: "1 2 4",
  },
  {
    name: "du",
    setup: (d) => {
      mkdirSync(`${d}/s`);
      writeFileSync(`${d}/s/f`, "x".repeat(100));
    },
    script: (d) => `let r = du([du::apparent_size, du::a], "${d}"); r.entries.map(|e| e.path)`,
    allow: ALL,
    output: /\/s", ".*\/s\/f"\]$/,
    seq: [
      'allow open Dir::"$D"',
      'allow open Dir::"$D"',
      'allow read Dir::"$D"',
      'allow open Dir::"$D/s"',
      'allow read Dir::"$D/s"',
    ],
  },
  ...(
    [
      ["awk_field", `awk_field(2, ",", "$F")`, '["1", "2"]'],
      ["awk_filter", `awk_filter("b", "$F")`, '["b,2"]'],
      ["awk_filter_field", `awk_filter_field(1, ",", "a", "$F")`, '["a,1"]'],
      ["awk_sum", `awk_sum(2, ",", "$F")`, "3.0"],
      ["awk_count_unique", `awk_count_unique(1, ",", "$F").len()`, "2"],
      ["awk_filter_range", `awk_filter_range(2, 2, "$F")`, '["b,2"]'],
    ] as Array<[string, string, string]>
  ).map(
    ([name, expr, out]): HostCase => ({
      name,
      setup: (d) => writeFileSync(`${d}/k.csv`, "a,1\nb,2\n"),
      script: (d) => expr.replace("$F", `${d}/k.csv`),
      allow: ALL,
      output: out,
    }),
  ),
  // handle API
  {
    name: "DirConfig.open",
    script: (d) => `${OPEN_DIR(d)}; 1`,
    allow: ALL,
    seq: ['allow open Dir::"$D"'],
  },
  {
    name: "DirHandle.open_file",
    setup: (d) => writeFileSync(`${d}/f`, "x"),
    script: (d) => `${OPEN_DIR(d)}.open_file("f", ${RO}); 1`,
    allow: ALL,
    deny: (d) => `permit(principal, action, resource == file_system::Dir::"${d}");`,
    seq: ['allow open Dir::"$D"', 'allow open File::"$D/f"'],
  },
  {
    name: "DirHandle.list_entries",
    setup: (d) => writeFileSync(`${d}/f`, ""),
    script: (d) => `${OPEN_DIR(d)}.list_entries().keys()`,
    allow: ALL,
    deny: (d) =>
      `permit(principal, action == file_system::Action::"open", resource == file_system::Dir::"${d}");`,
    output: '["f"]',
  },
  {
    name: "DirHandle.metadata",
    script: (d) => `${OPEN_DIR(d)}.metadata().type()`,
    allow: ALL,
    deny: (d) =>
      `permit(principal, action == file_system::Action::"open", resource == file_system::Dir::"${d}");`,
    output: "DIR",
  },
  {
    name: "DirHandle.delete",
    setup: (d) => mkdirSync(`${d}/e`),
    script: (d) => `${OPEN_DIR(`${d}/e`)}.delete(DeleteDirOptions().build())`,
    allow: ALL,
    deny: (d) =>
      `permit(principal, action == file_system::Action::"open", resource in file_system::Dir::"${d}");`,
    effect: (d) => assert.ok(!existsSync(`${d}/e`)),
    noEffect: (d) => assert.ok(existsSync(`${d}/e`)),
  },
  ...(
    [
      ["FileHandle.read", `f.read()`, "hello", "read"],
      ["FileHandle.read_lines", `f.read_lines(ReadLinesOptions().count(-1).build())`, '["hello"]', "read"],
      ["FileHandle.search", `f.search("l+").map(|m| m.line_number)`, "[1]", "read"],
      ["FileHandle.counts", `f.counts().byte_count`, "5", "read"],
      ["FileHandle.metadata", `f.metadata().file_size()`, "5", "stat"],
      ["FileHandle.write", `f.write("new"); cat("$D/f")`, "new", "write"],
      ["FileHandle.write_in_place", `f.write_in_place("new"); cat("$D/f")`, "new", "write"],
      ["FileHandle.delete", `f.delete(DeleteFileOptions().build()); 1`, "1", "delete"],
    ] as Array<[string, string, string, string]>
  ).map(
    ([name, expr, out, verb]): HostCase => ({
      name,
      setup: (d) => writeFileSync(`${d}/f`, "hello"),
      script: (d) => `let f = ${OPEN_DIR(d)}.open_file("f", ${RW}); ${expr.replaceAll("$D", d)}`,
      allow: ALL,
      deny: (d) => `${ALL(d)}\nforbid(principal, action == file_system::Action::"${verb}", resource);`,
      output: out,
    }),
  ),
  {
    name: "FileHandle.copy",
    setup: (d) => writeFileSync(`${d}/f`, "hello"),
    script: (d) =>
      `let h = ${OPEN_DIR(d)}; let f = h.open_file("f", ${RO}); let g = h.open_file("g", OpenFileOptions().write(true).create(true).build()); f.copy(g, CopyFileOptions().build()); cat("${d}/g")`,
    allow: ALL,
    deny: (d) => `${ALL(d)}\nforbid(principal, action == file_system::Action::"write", resource);`,
    output: "hello",
  },
  {
    name: "FileHandle.move",
    setup: (d) => writeFileSync(`${d}/f`, "hello"),
    script: (d) =>
      `let h = ${OPEN_DIR(d)}; let f = h.open_file("f", ${RW}); f.move(h, "g", MoveOptions().build()); cat("${d}/g")`,
    allow: ALL,
    deny: (d) => `${ALL(d)}\nforbid(principal, action == file_system::Action::"move", resource);`,
    output: "hello",
  },
  {
    name: "DirEntry.metadata",
    setup: (d) => writeFileSync(`${d}/f`, "hello"),
    script: (d) => `ls("${d}")["f"].metadata().file_size()`,
    allow: ALL,
    deny: (d) => `${ALL(d)}\nforbid(principal, action == file_system::Action::"stat", resource);`,
    output: "5",
  },
  {
    name: "FileHandle.execute",
    skip: hasEnvBin,
    script: () =>
      `let f = DirConfig().path("/usr/bin").build().open(OpenDirOptions().build()).open_file("env", ${RO}); let r = f.execute(ExecuteOptions().env(#{"A": "1"}).build()); r.stdout`,
    allow:
      () => `permit(principal, action == file_system::Action::"open", resource in file_system::Dir::"/usr/bin");
permit(principal, action == file_system::Action::"execute", resource == file_system::File::"/usr/bin/env") when { context.environment.getTag("A") == "1" };`,
    deny: () =>
      `permit(principal, action == file_system::Action::"open", resource in file_system::Dir::"/usr/bin");`,
    output: "A=1\n",
  },
  // system info
  ...(["hostname", "nproc", "uname"] as const).map(
    (name): HostCase => ({
      name,
      script: () => `${name}(); 1`,
      allow: () => `permit(principal, action == sysinfo::Action::"list", resource);`,
      output: "1",
    }),
  ),
  {
    name: "free",
    skip: () => (existsSync("/proc/meminfo") ? false : "no /proc/meminfo"),
    script: () => `free().memory.total > 0`,
    allow: () =>
      `permit(principal, action == file_system::Action::"read", resource == file_system::File::"/proc/meminfo");`,
    output: "true",
    seq: ['allow read File::"/proc/meminfo"', 'allow read File::"/proc/meminfo"'],
  },
  {
    name: "resolve",
    script: () => `resolve("localhost").len() > 0`,
    allow: () =>
      `permit(principal, action == sysinfo::Action::"resolve_hostname", resource) when { resource.hostname == "localhost" };`,
    output: "true",
    seq: ['allow resolve_hostname sysinfo::Hostname::"localhost"'],
  },
  // network
  {
    name: "curl",
    skip: (e) => (e.httpBase ? false : "no local HTTP server"),
    script: (_d, e) => `let r = curl("${e.httpBase}/ping"); \`\${r.status} \${r.text}\``,
    allow: () =>
      `permit(principal, action == network::Action::"GET", resource) when { resource.url like "http://127.0.0.1:*/ping" };`,
    output: "200 pong",
  },
  {
    name: "Request.send",
    skip: (e) => (e.httpBase ? false : "no local HTTP server"),
    script: (_d, e) => `Client().max_text_bytes(100).get("${e.httpBase}/ping").send().text`,
    allow: () => `permit(principal, action == network::Action::"GET", resource);`,
    output: "pong",
  },
  // processes
  {
    name: "ps",
    skip: () => (existsSync("/proc/self/stat") ? false : "no /proc"),
    script: () => `ps().len() > 0`,
    allow: () => `permit(principal, action == process_system::Action::"list", resource);`,
    output: "true",
    deniedOutput: "false",
  },
  {
    name: "kill",
    skip: (e) => (e.victimPid ? false : "no victim process"),
    script: (_d, e) => `kill(${e.victimPid}).len()`,
    allow: (_d, e) =>
      `permit(principal, action == process_system::Action::"kill", resource == process_system::Process::"${e.victimPid}");`,
    output: "1",
  },
  ...DISK_CASES,
  ...SYSTEMD_CASES,
  ...SYSINFO_CASES,
  ...NETWORK_CASES,
  ...PROCESS_CASES,
  ...FILE_CASES,
  ...FILE_EXTRA_CASES,
  ...SYSINFO_KERNEL_CASES,
  ...REFUSED_CASES,
];

/** Registry names that make no Cedar request (pure helpers, builders, values, logging, flags). */
export function isUngated(name: string): boolean {
  if (
    isDiskUngated(name) ||
    isSystemdUngated(name) ||
    isSysinfoUngated(name) ||
    isNetworkUngated(name) ||
    isProcessUngated(name) ||
    isFileUngated(name) ||
    isFileExtraUngated(name) ||
    isSysinfoKernelUngated(name)
  )
    return true;
  if (name.includes("::")) return true; // flag modules and constant modules
  if (/Builder\./.test(name) || /Options\./.test(name) || name.endsWith("Options")) return true;
  if (
    /^(DirEntry|Metadata|Match|WordCount|UnameInfo|Response|ProcessInfo|ExecuteResult)\.(?!metadata$|open_as_file$|open_as_dir$)/.test(
      name,
    )
  )
    return true;
  if (/^(Client|DateTime)\./.test(name)) return true; // builder-like; the request is gated in Request.send
  return [
    "info",
    "warn",
    "error",
    "trace",
    "AlarmBuilder",
    "MetricBuilder",
    "MetricDimensionsBuilder",
    "DirConfig",
    "Client",
    "seq",
    // Rex's common utilities (DateTime, random_alphanumeric) make no Cedar request
    "DateTime",
    "from_epoch_seconds",
    "from_epoch_nanos",
    "now",
    "now_nanos",
    "parse_datetime",
    "random_alphanumeric",
    "+",
    "-",
    "<",
    "<=",
    ">",
    ">=",
    "awk_split",
    "replace_text",
  ].includes(name);
}
