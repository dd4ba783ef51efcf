import assert from "node:assert/strict";
import { linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runScript } from "../../src/runner/index.js";

// Attack: a hard link in a writable directory to a file in a read-only one. Cedar sees only the path
// the script names (`writable/hl`), but a write through that name changes the shared inode, i.e. the
// protected file too. Writes to a regular file that has more than one name are refused.

const root = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-hardlink-")));
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
  linkSync(join(P, "secret.conf"), join(W, "hl"));
  writeFileSync(join(W, "src.txt"), "attacker\n");
}

const cases: Array<[string, string]> = [
  ["write (append)", `write("${W}/hl", "attacker\\n")`],
  ["write (replace)", `write([write::replace], "${W}/hl", "attacker\\n")`],
  ["sed in place", `sed([sed::i], "original", "attacker", "${W}/hl")`],
  ["cp onto it", `cp([cp::force], "${W}/src.txt", "${W}/hl")`],
  [
    "write_in_place",
    `let d = DirConfig().path("${W}").build().open(OpenDirOptions().build());
     d.open_file("hl", OpenFileOptions().write(true).build()).write_in_place("attacker\\n")`,
  ],
];

for (const [name, script] of cases) {
  test(`${name} through a hard link does not change the protected file`, async () => {
    reset();
    const out = await runScript({ script: `${script}; "done"`, policy, monitoring: false });
    assert.equal(readFileSync(join(P, "secret.conf"), "utf8"), "original\n", JSON.stringify(out.error));
    assert.equal(out.status, "ERROR");
  });
}

test("an atomic write replaces only the name it was given (the other name keeps the old inode)", async () => {
  reset();
  const out = await runScript({
    script: `let d = DirConfig().path("${W}").build().open(OpenDirOptions().build());
      d.open_file("hl", OpenFileOptions().write(true).build()).write("mine\\n"); "done"`,
    policy,
    monitoring: false,
  });
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  assert.equal(readFileSync(join(P, "secret.conf"), "utf8"), "original\n");
  assert.equal(readFileSync(join(W, "hl"), "utf8"), "mine\n");
});
