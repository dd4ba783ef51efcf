import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runScript } from "../../src/runner/index.js";

// Attack: `protected/` may only be read; `writable/` may be changed. `protected/link.conf` is a
// symlink into `writable/`. Opening the link with follow_symlinks + write passes Cedar (it checks the
// resolved target), and then `write` replaced the LINK PATH: a temporary file was created in
// `protected/` (no `create` check) and renamed over the link. Every write must act on exactly the
// object it was authorized for, and every file created (temporary files included) needs `create` for
// its real location.

const root = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-wsym-")));
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
  writeFileSync(join(W, "target.conf"), "old target\n");
  symlinkSync(join(W, "target.conf"), join(P, "link.conf"));
}

const openLink = (opts: string) =>
  `let d = DirConfig().path("${P}").build().open(OpenDirOptions().build());
   let f = d.open_file("link.conf", OpenFileOptions()${opts}.build());`;

test("write through a followed symlink does not replace the link in the read-only directory", async () => {
  reset();
  const out = await runScript({
    script: `${openLink(".write(true).follow_symlinks(true)")} f.write("attacker\\n"); "done"`,
    policy,
  });
  // The link in protected/ is untouched and protected/ holds nothing new.
  assert.equal(lstatSync(join(P, "link.conf")).isSymbolicLink(), true, JSON.stringify(out));
  assert.deepEqual(readdirSync(P), ["link.conf"]);
  // The write acted on the object it was authorized for: the target in writable/.
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  assert.equal(readFileSync(join(W, "target.conf"), "utf8"), "attacker\n");
  assert.deepEqual(readdirSync(W).sort(), ["target.conf"]);
});

test("write_in_place through a followed symlink changes the target (the authorized object) only", async () => {
  reset();
  const out = await runScript({
    script: `${openLink(".write(true).follow_symlinks(true)")} f.write_in_place("in place\\n"); "done"`,
    policy,
  });
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  assert.equal(lstatSync(join(P, "link.conf")).isSymbolicLink(), true);
  assert.equal(readFileSync(join(W, "target.conf"), "utf8"), "in place\n");
});

test("a link in a writable directory pointing into the read-only one is not written through", async () => {
  reset();
  writeFileSync(join(P, "secret.conf"), "original\n");
  symlinkSync(join(P, "secret.conf"), join(W, "back.conf"));
  const out = await runScript({
    script: `let d = DirConfig().path("${W}").build().open(OpenDirOptions().build());
      let f = d.open_file("back.conf", OpenFileOptions().write(true).follow_symlinks(true).build());
      f.write("attacker\\n"); "done"`,
    policy,
  });
  assert.equal(out.status, "ERROR");
  assert.equal(out.error?.error_type, "ACCESS_DENIED_EXCEPTION", JSON.stringify(out.error));
  assert.equal(readFileSync(join(P, "secret.conf"), "utf8"), "original\n");
  assert.equal(lstatSync(join(W, "back.conf")).isSymbolicLink(), true);
});

test("create through a dangling followed symlink does not create the file in the read-only directory", async () => {
  reset();
  symlinkSync(join(P, "planted.conf"), join(W, "dangling.conf"));
  const out = await runScript({
    script: `let d = DirConfig().path("${W}").build().open(OpenDirOptions().build());
      let f = d.open_file("dangling.conf", OpenFileOptions().write(true).create(true).follow_symlinks(true).build());
      f.write_in_place("planted\\n"); "done"`,
    policy,
  });
  assert.equal(existsSync(join(P, "planted.conf")), false, JSON.stringify(out));
  assert.equal(out.status, "ERROR");
});

test("the temporary file of an atomic write needs `create` where it is made", async () => {
  reset();
  writeFileSync(join(W, "only.conf"), "v1\n");
  // write is allowed on exactly one file; nothing may be created in writable/.
  const narrow = `
permit(principal, action in [file_system::Action::"open", file_system::Action::"read", file_system::Action::"stat"],
       resource in file_system::Dir::"${root}");
permit(principal, action == file_system::Action::"write", resource == file_system::File::"${W}/only.conf");
`;
  const out = await runScript({
    script: `let d = DirConfig().path("${W}").build().open(OpenDirOptions().build());
      let f = d.open_file("only.conf", OpenFileOptions().write(true).build());
      f.write("v2\\n"); "done"`,
    policy: narrow,
  });
  assert.equal(out.error?.error_type, "ACCESS_DENIED_EXCEPTION", JSON.stringify(out));
  assert.match(out.error?.message ?? "", /create/);
  assert.equal(readFileSync(join(W, "only.conf"), "utf8"), "v1\n");
  assert.deepEqual(readdirSync(W).sort(), ["only.conf", "target.conf"]);
  // write_in_place creates nothing: allowed by the same policy.
  const ok = await runScript({
    script: `let d = DirConfig().path("${W}").build().open(OpenDirOptions().build());
      let f = d.open_file("only.conf", OpenFileOptions().write(true).build());
      f.write_in_place("v3\\n"); "done"`,
    policy: narrow,
  });
  assert.equal(ok.status, "SUCCESS", JSON.stringify(ok.error));
  assert.equal(readFileSync(join(W, "only.conf"), "utf8"), "v3\n");
});

test("mv over an existing file needs `write` on the file it replaces", async () => {
  reset();
  writeFileSync(join(W, "src.txt"), "new\n");
  writeFileSync(join(W, "keep.txt"), "precious\n");
  const noOverwrite = `
permit(principal, action in [file_system::Action::"open", file_system::Action::"read", file_system::Action::"stat"],
       resource in file_system::Dir::"${root}");
permit(principal, action in [file_system::Action::"move", file_system::Action::"create"],
       resource in file_system::Dir::"${W}");
`;
  const out = await runScript({ script: `mv("${W}/src.txt", "${W}/keep.txt"); "done"`, policy: noOverwrite });
  assert.equal(out.error?.error_type, "ACCESS_DENIED_EXCEPTION", JSON.stringify(out));
  assert.equal(readFileSync(join(W, "keep.txt"), "utf8"), "precious\n");
  const fresh = await runScript({
    script: `mv("${W}/src.txt", "${W}/fresh.txt"); "done"`,
    policy: noOverwrite,
  });
  assert.equal(fresh.status, "SUCCESS", JSON.stringify(fresh.error));
});
