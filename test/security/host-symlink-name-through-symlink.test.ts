import assert from "node:assert/strict";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { after, test } from "node:test";
import * as h from "../../src/host/index.js";
import { fixture, kindOf } from "../kit/host-fixture.js";

// Only $DIR/allowed is permitted; allowed/sub is a symlink to $DIR/secret. A name with a `/` would make the
// kernel resolve `sub` through the link while Cedar saw allowed/sub/<name> (Rex passes such names on).
const fx = fixture((d) => `permit(principal, action, resource in file_system::Dir::"${d}/allowed");`);
const at = (p: string) => `${fx.dir}/${p}`;
after(() => fx.cleanup());
mkdirSync(at("allowed"));
mkdirSync(at("secret"));
writeFileSync(at("secret/key"), "x");
symlinkSync("/etc/shadow", at("secret/link"));
symlinkSync(at("secret"), at("allowed/sub"));

test("read_link_target, open_symlink and create_symlink take one name component only", () => {
  const dir = h.openDir(fx.ctx, at("allowed"), {});
  assert.equal(
    kindOf(() => h.readLinkTarget(dir, "sub/link")),
    "InvalidPath",
  );
  assert.equal(
    kindOf(() => h.openSymlink(dir, "sub/link")),
    "InvalidPath",
  );
  assert.equal(
    kindOf(() => h.createSymlink(dir, "/etc/passwd", "sub/planted")),
    "InvalidPath",
  );
  assert.ok(!existsSync(at("secret/planted")));
  // the link itself, by its own name, is fine
  assert.equal(h.readLinkTarget(dir, "sub"), at("secret"));
});

test("open_symlink refuses anything that is not a symlink", () => {
  const dir = h.openDir(fx.ctx, at("allowed"), {});
  writeFileSync(at("allowed/plain"), "x");
  assert.equal(
    kindOf(() => h.openSymlink(dir, "plain")),
    "ValidationError",
  );
});
