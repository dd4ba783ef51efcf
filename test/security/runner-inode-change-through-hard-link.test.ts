import assert from "node:assert/strict";
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runScript } from "../../src/runner/index.js";

// Attack (a variant of issue 14 item 1 and of runner-write-through-hard-link): a hard link in a writable
// directory to a file in a read-only one. Writes through it were refused, but other calls that change
// the shared inode were not: `truncate`, `fallocate`, `chmod` and `set_ownership` on the link (and a
// recursive `chmod` of the writable directory) changed the protected file's size, content, mode and
// owner, with Cedar having seen only the writable name. Every in-place change of a regular file that has
// more than one name is refused.

const root = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-inode-")));
after(() => rmSync(root, { recursive: true, force: true }));
const P = join(root, "protected");
const W = join(root, "writable");
const policy = `
permit(principal, action in [file_system::Action::"open", file_system::Action::"read", file_system::Action::"stat"],
       resource in file_system::Dir::"${root}");
permit(principal, action, resource in file_system::Dir::"${W}");
`;

function reset(): void {
  rmSync(P, { recursive: true, force: true });
  rmSync(W, { recursive: true, force: true });
  mkdirSync(P);
  mkdirSync(W);
  writeFileSync(join(P, "secret.conf"), "original\n");
  chmodSync(join(P, "secret.conf"), 0o600);
  linkSync(join(P, "secret.conf"), join(W, "hl"));
}

const state = () => {
  const st = statSync(join(P, "secret.conf"));
  return {
    text: readFileSync(join(P, "secret.conf"), "utf8"),
    mode: st.mode & 0o777,
    uid: st.uid,
    size: st.size,
  };
};
const open = `DirConfig().path("${W}").build().open(OpenDirOptions().build())`;
const hl = `${open}.open_file("hl", OpenFileOptions().read(true).write(true).build())`;
const other = process.getuid?.() === 0 ? "nobody" : undefined;

const cases: Array<[string, string]> = [
  ["truncate", `${hl}.truncate(TruncateOptions().size(2).format(SizeUnit::BYTES).build())`],
  ["fallocate", `${hl}.fallocate(FallocateOptions().length(1).format(SizeUnit::MEBIBYTES).build())`],
  ["chmod", `${hl}.chmod(0o666)`],
  ...(other
    ? [
        ["set_ownership", `${hl}.set_ownership(SetOwnershipOptions().user("${other}").build())`] as [
          string,
          string,
        ],
      ]
    : []),
];

for (const [name, script] of cases) {
  test(`${name} through a hard link does not change the protected file`, async () => {
    reset();
    const before = state();
    const out = await runScript({ script: `${script}; "done"`, policy, monitoring: false });
    assert.deepEqual(state(), before, JSON.stringify(out.error));
    assert.equal(out.status, "ERROR");
    assert.match(out.error?.message ?? "", /hard links/);
  });
}

test("a recursive chmod of the writable directory skips the hard-linked file", async () => {
  reset();
  writeFileSync(join(W, "mine"), "x");
  chmodSync(join(W, "mine"), 0o600);
  const before = state();
  const out = await runScript({
    script: `${open}.chmod(ChmodDirOptions().permissions(0o777).recursive(true).build()); "done"`,
    policy,
    monitoring: false,
  });
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  assert.deepEqual(state(), before);
  assert.equal(statSync(join(W, "mine")).mode & 0o777, 0o777, "the file with one name is changed");
});

test("control: a file with one name is truncated and chmod-ed", async () => {
  reset();
  writeFileSync(join(W, "own"), "abcdef");
  const f = `${open}.open_file("own", OpenFileOptions().read(true).write(true).build())`;
  const out = await runScript({
    script: `let f = ${f}; f.truncate(TruncateOptions().size(2).format(SizeUnit::BYTES).build()); f.chmod(0o640); "done"`,
    policy,
    monitoring: false,
  });
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  assert.equal(readFileSync(join(W, "own"), "utf8"), "ab");
  assert.equal(statSync(join(W, "own")).mode & 0o777, 0o640);
});
