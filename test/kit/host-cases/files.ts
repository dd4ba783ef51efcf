// Permitted/denied cases for DirHandle.find, chmod and ownership on file and directory handles.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { gunzipSync, gzipSync } from "node:zlib";
import type { HostCase } from "./index.js";

const ALL = (d: string) => `permit(principal, action, resource in file_system::Dir::"${d}");`;
const without = (verb: string) => (d: string) =>
  `${ALL(d)}\nforbid(principal, action == file_system::Action::"${verb}", resource);`;
const OPEN_DIR = (d: string) => `DirConfig().path("${d}").build().open(OpenDirOptions().build())`;
const FILE = (d: string) => `${OPEN_DIR(d)}.open_file("f", OpenFileOptions().read(true).build())`;
const me = () => userInfo().username;
const mode = (p: string) => statSync(p).mode & 0o777;

function tree(d: string): void {
  mkdirSync(`${d}/s`);
  writeFileSync(`${d}/f`, "hello");
  writeFileSync(`${d}/s/big.log`, "x".repeat(3000));
  writeFileSync(`${d}/s/small.log`, "x");
}

const GZ = (d: string) => `${OPEN_DIR(d)}.open_file("l.gz", OpenFileOptions().read(true).build())`;
const gzSetup = (d: string) => writeFileSync(`${d}/l.gz`, gzipSync("alpha\nbeta\nGamma\nbeta two\n"));

export const FILE_CASES: HostCase[] = [
  ...(
    [
      [
        "FileHandle.read_gzip_lines",
        `f.read_gzip_lines(ReadLinesOptions().count(-2).build())`,
        '["Gamma", "beta two"]',
      ],
      ["FileHandle.gzip_info", `let i = f.gzip_info(); i.uncompressed_size_bytes`, "26"],
      [
        "FileHandle.search_gzip",
        `f.search_gzip("BETA", SearchGzipOptions().case_insensitive(true).exclude_pattern("two").build()).map(|m| m.line_number)`,
        "[2]",
      ],
      ["FileHandle.search_gzip_exists", `f.search_gzip_exists("^Gam", SearchGzipOptions().build())`, "true"],
    ] as Array<[string, string, string]>
  ).map(
    ([name, expr, out]): HostCase => ({
      name,
      setup: gzSetup,
      script: (d) => `let f = ${GZ(d)}; ${expr}`,
      allow: ALL,
      deny: without("read"),
      output: out,
      seq: ['allow open Dir::"$D"', 'allow open File::"$D/l.gz"', 'allow read File::"$D/l.gz"'],
    }),
  ),
  {
    name: "FileHandle.truncate",
    setup: tree,
    script: (d) =>
      `${OPEN_DIR(d)}.open_file("f", OpenFileOptions().read(true).write(true).build()).truncate(TruncateOptions().size(2).format(SizeUnit::BYTES).build()); 1`,
    allow: ALL,
    deny: without("write"),
    output: "1",
    seq: ['allow open Dir::"$D"', 'allow open File::"$D/f"', 'allow write File::"$D/f"'],
    effect: (d) => assert.equal(readFileSync(`${d}/f`, "utf8"), "he"),
    noEffect: (d) => assert.equal(readFileSync(`${d}/f`, "utf8"), "hello"),
  },
  {
    name: "FileHandle.compress_gzip",
    setup: tree,
    script: (d) =>
      `let h = ${OPEN_DIR(d)}; let s = h.open_file("f", OpenFileOptions().read(true).build()); let g = h.open_file("f.gz", OpenFileOptions().write(true).create(true).build()); s.compress_gzip(g, CompressGzipOptions().level(9).build()); 1`,
    allow: ALL,
    // the source may be read and the destination created, but not written
    deny: without("write"),
    output: "1",
    effect: (d) => assert.equal(gunzipSync(readFileSync(`${d}/f.gz`)).toString(), "hello"),
    noEffect: (d) => assert.throws(() => gunzipSync(readFileSync(`${d}/f.gz`))),
  },
  {
    name: "DirHandle.find",
    setup: tree,
    script: (d) =>
      `let r = []; ${OPEN_DIR(d)}.find(FindOptions().name("*.log").size_range(SizeRange::min_only(2, SizeUnit::KIBIBYTES)).min_modification_time(now() - 3600).build(), |e| r.push(e.name)); r`,
    allow: ALL,
    // the walk may list the directories but not stat the entries for the size filter
    deny: without("stat"),
    output: '["big.log"]',
  },
  {
    name: "DirHandle.chmod",
    setup: tree,
    script: (d) => `${OPEN_DIR(`${d}/s`)}.chmod(ChmodDirOptions().permissions(0o700).build()); 1`,
    allow: ALL,
    deny: without("chmod"),
    output: "1",
    seq: ['allow open Dir::"$D/s"', 'allow chmod Dir::"$D/s"'],
    effect: (d) => assert.equal(mode(`${d}/s`), 0o700),
    noEffect: (d) => assert.notEqual(mode(`${d}/s`), 0o700),
  },
  {
    name: "FileHandle.chmod",
    setup: tree,
    script: (d) => `${FILE(d)}.chmod(0o640); 1`,
    allow: ALL,
    deny: without("chmod"),
    output: "1",
    seq: ['allow open Dir::"$D"', 'allow open File::"$D/f"', 'allow chmod File::"$D/f"'],
    effect: (d) => assert.equal(mode(`${d}/f`), 0o640),
    noEffect: (d) => assert.notEqual(mode(`${d}/f`), 0o640),
  },
  {
    name: "DirHandle.get_ownership",
    setup: tree,
    script: (d) => `${OPEN_DIR(d)}.get_ownership().user`,
    allow: ALL,
    deny: without("stat"),
    output: me(),
  },
  {
    name: "FileHandle.get_ownership",
    setup: tree,
    script: (d) => `${FILE(d)}.get_ownership().user`,
    allow: ALL,
    deny: without("stat"),
    output: me(),
    seq: ['allow open Dir::"$D"', 'allow open File::"$D/f"', 'allow stat File::"$D/f"'],
  },
  {
    // chown to oneself: allowed without privileges, and still a real fchown after the Cedar check
    name: "DirHandle.set_ownership",
    setup: tree,
    script: (d) => `${OPEN_DIR(d)}.set_ownership(SetOwnershipOptions().user("${me()}").build()); 1`,
    allow: ALL,
    deny: without("chown"),
    output: "1",
    seq: ['allow open Dir::"$D"', 'allow chown Dir::"$D"'],
  },
  {
    name: "FileHandle.set_ownership",
    setup: tree,
    script: (d) => `${FILE(d)}.set_ownership(SetOwnershipOptions().user("${me()}").build()); 1`,
    allow: ALL,
    deny: without("chown"),
    output: "1",
  },
];

/** File-extra names that make no Cedar request. */
export function isFileUngated(name: string): boolean {
  return /^(SizeUnit|SizeRange|Ownership|GzipInfo)\./.test(name);
}
