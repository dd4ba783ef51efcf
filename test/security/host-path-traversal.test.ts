import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, test } from "node:test";
import * as h from "../../src/host/index.js";
import { fixture, kindOf } from "../kit/host-fixture.js";

// A policy that allows everything under $DIR: every spelling below must still be refused before any
// Cedar request or file-system access, so a `forbid` on one spelling cannot be side-stepped by another.
const fx = fixture((d) => `permit(principal, action, resource in file_system::Dir::"${d}");`);
after(() => fx.cleanup());
writeFileSync(`${fx.dir}/a`, "secret");

const BAD: Array<[string, string]> = [
  [`${fx.dir}/../${fx.dir.split("/").pop()}/a`, "Other"], // parent component
  [`${fx.dir}/x/../a`, "Other"],
  ["relative/a", "Other"], // not absolute
  [`${fx.dir}/a\n`, "Other"], // control character
  [`${fx.dir}/a*`, "Other"], // glob metacharacter
  [`${fx.dir}/./a`, "InvalidPath"], // current-dir component (stricter than Rex)
  [`${fx.dir}//sub/a`, "InvalidPath"], // empty component (stricter than Rex)
];

for (const [path, kind] of BAD) {
  test(`path ${JSON.stringify(path)} is refused (${kind}) with no Cedar request`, () => {
    for (const fn of [
      () => h.cat(fx.ctx, path),
      () => h.write(fx.ctx, path, "x"),
      () => h.rm(fx.ctx, path),
      () => h.ls(fx.ctx, path),
    ]) {
      fx.reset();
      const k = kindOf(fn);
      assert.notEqual(k, "ok");
      assert.ok(k === kind || k === "Other" || k === "InvalidPath", `${path}: got ${k}`);
      assert.equal(fx.trail.filter((t) => t.decision === "allow" && t.resource.includes("/a")).length, 0);
    }
  });
}

test("open_file refuses names with a slash or dot-dot", () => {
  const dir = h.openDir(fx.ctx, fx.dir, {});
  try {
    for (const name of ["../a", "x/a", "..", "."]) {
      assert.notEqual(
        kindOf(() => h.openFileIn(dir, name, { read: true })),
        "ok",
        name,
      );
    }
  } finally {
    dir.close();
  }
});
