import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, test } from "node:test";
import * as h from "../../src/host/index.js";
import { fixture, kindOf } from "../kit/host-fixture.js";

// Attack: a path holding a lone UTF-16 surrogate (from script arguments or a host value). Cedar would
// see one string while the file system, after UTF-8 encoding, opens another (U+FFFD), so a `forbid` on
// the real name could be side-stepped, or the decision depends on how an engine treats invalid text.
// Such paths are refused as invalid before any Cedar request or system call.

const fx = fixture(
  (d) => `permit(principal, action, resource in file_system::Dir::"${d}");
forbid(principal, action, resource == file_system::File::"${d}/secret\uFFFD");`,
);
after(() => fx.cleanup());
writeFileSync(`${fx.dir}/secret\uFFFD`, "SECRET");

for (const bad of ["secret\uD800", "secret\uDC00", "a\uDC00\uD800b"]) {
  test(`${JSON.stringify(bad)}: refused as an invalid path before Cedar sees it`, () => {
    fx.reset();
    assert.equal(
      kindOf(() => h.cat(fx.ctx, `${fx.dir}/${bad}`)),
      "Other",
    );
    assert.equal(
      kindOf(() => h.write(fx.ctx, `${fx.dir}/${bad}`, "x")),
      "Other",
    );
    assert.equal(
      kindOf(() => h.validatePath(`${fx.dir}/${bad}`)),
      "Other",
    );
    // the parent directory is checked (its path is well formed); the bad name never reaches Cedar
    assert.ok(fx.requests.every((r) => !/[\uD800-\uDFFF]/u.test(r.resource.id)));
  });
}

test("well-formed non-ASCII paths (surrogate pairs) still work", () => {
  writeFileSync(`${fx.dir}/emoji-😀`, "ok");
  assert.equal(h.cat(fx.ctx, `${fx.dir}/emoji-😀`), "ok");
});
