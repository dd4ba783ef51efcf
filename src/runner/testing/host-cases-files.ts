// Permitted/denied cases for DirHandle.find, chmod and ownership on file and directory handles.
import assert from "node:assert/strict";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import type { HostCase } from "./host-cases.js";

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

export const FILE_CASES: HostCase[] = [
  {
    name: "DirHandle.find",
    setup: tree,
    script: (d) =>
      `let r = []; ${OPEN_DIR(d)}.find(FindOptions().name("*.log").size_range(SizeRange::min_only(2, SizeUnit::KIBIBYTES)).build(), |e| r.push(e.name)); r`,
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
  return /^(SizeUnit|SizeRange|Ownership)\./.test(name);
}
