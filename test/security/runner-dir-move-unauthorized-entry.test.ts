import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runScript } from "../../src/runner/index.js";

// Attack (a variant of issue 14 item 1, "writes must act on, and be authorized for, exactly the object
// they change"): `parent.move(src, dest_parent, name)` checked `move` on the source and `create` on
// <dest_parent>/<name>, then
// - when that destination existed and was not empty, moved the directory INTO it, creating
//   <dest_parent>/<name>/<src name>, an entry no request named;
// - when it existed and was empty, rename(2) silently replaced it: a directory was removed without
//   `delete`.
// Each must be authorized for the entry it really creates or removes.

const root = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-dirmove-")));
after(() => rmSync(root, { recursive: true, force: true }));
const W = join(root, "w");

function reset(): void {
  rmSync(W, { recursive: true, force: true });
  mkdirSync(join(W, "src"), { recursive: true });
  writeFileSync(join(W, "src", "payload"), "x");
}

const base = `permit(principal, action in [file_system::Action::"open", file_system::Action::"read", file_system::Action::"stat"],
       resource in file_system::Dir::"${root}");
permit(principal, action == file_system::Action::"move", resource == file_system::Dir::"${W}/src");`;
const script = (name: string) =>
  `let p = DirConfig().path("${W}").build().open(OpenDirOptions().build());
   let s = DirConfig().path("${W}/src").build().open(OpenDirOptions().build());
   p.move(s, p, "${name}", MoveOptions().build()); "done"`;

test("moving into an existing non-empty directory needs `create` on the entry made inside it", async () => {
  reset();
  mkdirSync(join(W, "dest"));
  writeFileSync(join(W, "dest", "keep"), "k");
  const exact = `${base}
permit(principal, action == file_system::Action::"create", resource == file_system::Dir::"${W}/dest");`;
  const out = await runScript({ script: script("dest"), policy: exact, monitoring: false });
  assert.equal(out.error?.error_type, "ACCESS_DENIED_EXCEPTION", JSON.stringify(out));
  assert.match(out.error?.message ?? "", /create/);
  assert.deepEqual(readdirSync(join(W, "dest")), ["keep"]);
  assert.ok(existsSync(join(W, "src", "payload")));
  // with `create` below the destination, the move into it works
  const wide = `${base}
permit(principal, action == file_system::Action::"create", resource in file_system::Dir::"${W}/dest");`;
  const ok = await runScript({ script: script("dest"), policy: wide, monitoring: false });
  assert.equal(ok.status, "SUCCESS", JSON.stringify(ok.error));
  assert.ok(existsSync(join(W, "dest", "src", "payload")));
});

test("replacing an existing empty directory needs `delete` on it", async () => {
  reset();
  mkdirSync(join(W, "empty"));
  const noDelete = `${base}
permit(principal, action == file_system::Action::"create", resource == file_system::Dir::"${W}/empty");`;
  const out = await runScript({ script: script("empty"), policy: noDelete, monitoring: false });
  assert.equal(out.error?.error_type, "ACCESS_DENIED_EXCEPTION", JSON.stringify(out));
  assert.match(out.error?.message ?? "", /delete/);
  assert.deepEqual(readdirSync(join(W, "empty")), []);
  assert.ok(existsSync(join(W, "src", "payload")));
  const withDelete = `${noDelete}
permit(principal, action == file_system::Action::"delete", resource == file_system::Dir::"${W}/empty");`;
  const ok = await runScript({ script: script("empty"), policy: withDelete, monitoring: false });
  assert.equal(ok.status, "SUCCESS", JSON.stringify(ok.error));
  assert.ok(existsSync(join(W, "empty", "payload")));
  // a fresh name needs neither
  reset();
  const fresh = `${base}
permit(principal, action == file_system::Action::"create", resource == file_system::Dir::"${W}/new");`;
  const f = await runScript({ script: script("new"), policy: fresh, monitoring: false });
  assert.equal(f.status, "SUCCESS", JSON.stringify(f.error));
  assert.ok(existsSync(join(W, "new", "payload")));
});
