import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, test } from "node:test";
import * as h from "../../src/host/index.js";
import { fixture, kindOf } from "../kit/host-fixture.js";

// `execute` only with an empty environment; the child must get exactly the given environment.
const fx = fixture(
  () => `permit(principal, action == file_system::Action::"open", resource in file_system::Dir::"/usr/bin");
permit(principal, action == file_system::Action::"execute", resource == file_system::File::"/usr/bin/env")
  when { context.environment.names.isEmpty() || ["LANG"].containsAll(context.environment.names) };`,
);
after(() => fx.cleanup());
const hasEnv = existsSync("/usr/bin/env");

test("the child gets exactly the given environment (nothing inherited)", {
  skip: !hasEnv && "no /usr/bin/env",
}, () => {
  process.env.SIGRUN_LEAK_CHECK = "leaked";
  const dir = h.openDir(fx.ctx, "/usr/bin", {});
  const f = h.openFileIn(dir, "env", { read: true });
  try {
    assert.equal(h.execute(f, {}).stdout, "");
    assert.equal(h.execute(f, { env: { LANG: "C" } }).stdout, "LANG=C\n");
    assert.equal(
      kindOf(() => h.execute(f, { env: { LANG: "C", LD_PRELOAD: "/x.so" } })),
      "PermissionDenied",
    );
  } finally {
    f.close();
    dir.close();
  }
});

test("a file opened for writing cannot be executed", { skip: !hasEnv && "no /usr/bin/env" }, () => {
  const dir = h.openDir(fx.ctx, "/usr/bin", {});
  try {
    const fake = new h.FileHandle(dir, "env", -1, undefined, { read: true, write: true });
    assert.equal(
      kindOf(() => h.execute(fake, {})),
      "InvalidFileMode",
    );
  } finally {
    dir.close();
  }
});
