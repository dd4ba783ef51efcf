import assert from "node:assert/strict";
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { after, test } from "node:test";
import * as h from "../../src/host/index.js";
import { fixture, kindOf } from "../kit/host-fixture.js";

// Only $DIR/allowed is permitted. Symlinks inside it point outside; none may be used to read outside.
const fx = fixture((d) => `permit(principal, action, resource in file_system::Dir::"${d}/allowed");`);
const at = (p: string) => `${fx.dir}/${p}`;
after(() => fx.cleanup());
mkdirSync(at("allowed"));
mkdirSync(at("secret"));
writeFileSync(at("secret/key"), "TOP SECRET");
symlinkSync(at("secret"), at("allowed/dirlink"));
symlinkSync(at("secret/key"), at("allowed/filelink"));

test("a symlinked directory is re-checked under its real path and denied", () => {
  fx.reset();
  assert.equal(
    kindOf(() => h.cat(fx.ctx, at("allowed/dirlink/key"))),
    "PermissionDenied",
  );
  assert.deepEqual(
    fx.trail.map((t) => `${t.decision} ${t.resource}`),
    [`allow file_system::Dir::"${at("allowed/dirlink")}"`, `deny file_system::Dir::"${at("secret")}"`],
  );
  // ls on the link itself describes the link (Rex); through it, the target is checked and denied.
  assert.deepEqual(
    h.ls(fx.ctx, at("allowed/dirlink")).map((e) => [e.name, e.type]),
    [["dirlink", "SYMLINK"]],
  );
  assert.equal(
    kindOf(() => h.ls(fx.ctx, at("allowed/dirlink/"))),
    "PermissionDenied",
  );
  assert.equal(
    kindOf(() => h.findFiles(fx.ctx, "*", at("allowed/dirlink"))),
    "PermissionDenied",
  );
});

test("a symlinked file is not followed (O_NOFOLLOW)", () => {
  assert.equal(
    kindOf(() => h.cat(fx.ctx, at("allowed/filelink"))),
    "FileError",
  );
  assert.equal(
    kindOf(() => h.write(fx.ctx, at("allowed/filelink"), "x")),
    "FileError",
  );
  assert.equal(readFileSync(at("secret/key"), "utf8"), "TOP SECRET");
});

test("followed file symlinks are checked again under the target", () => {
  const dir = h.openDir(fx.ctx, at("allowed"), {});
  try {
    fx.reset();
    assert.equal(
      kindOf(() => h.openFileIn(dir, "filelink", { read: true, followSymlinks: true })),
      "PermissionDenied",
    );
    assert.equal(fx.trail.at(-1)?.resource, `file_system::File::"${at("secret/key")}"`);
  } finally {
    dir.close();
  }
});

test("no-follow directory opens refuse a symlinked component (touch, cp, mv, handle API)", () => {
  assert.equal(
    kindOf(() => h.touch(fx.ctx, at("allowed/dirlink/new"))),
    "DirectoryOpenError",
  );
  assert.equal(
    kindOf(() => h.openDir(fx.ctx, at("allowed/dirlink"), {})),
    "DirectoryOpenError",
  );
});

test("a directory swapped for a symlink after opening: operations stay on the opened directory", () => {
  mkdirSync(at("allowed/work"));
  writeFileSync(at("allowed/work/key"), "mine");
  const dir = h.openDir(fx.ctx, at("allowed/work"), {});
  try {
    // the attacker moves the checked directory away and puts a symlink to the secret in its place
    renameSync(at("allowed/work"), at("allowed/work.old"));
    symlinkSync(at("secret"), at("allowed/work"));
    const f = h.openFileIn(dir, "key", { read: true });
    try {
      assert.equal(f.read(), "mine");
    } finally {
      f.close();
    }
  } finally {
    dir.close();
  }
});
