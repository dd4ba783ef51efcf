import assert from "node:assert/strict";
import { test } from "node:test";
import { actionReach } from "../policy/index.js";
import { Engine, scriptCalls } from "../script/index.js";
import { blockedCalls } from "./lint-calls.js";

const calls = (src: string) => {
  const p = new Engine().parse(src);
  assert.ok(p.ok, src);
  return scriptCalls(p.ast);
};
const blocked = (src: string, policy: string) => {
  const reach = actionReach(policy);
  assert.ok(reach, policy);
  return blockedCalls(calls(src), reach).map((b) => `${b.function}:${b.severity}`);
};

test("scriptCalls finds calls in fn bodies, closures, interpolations, switch arms and method chains", () => {
  const src = [
    "fn f(p) { cat(p) }",
    "let g = |x| x.read_lines(1);",
    'let s = `${ls("/")}`;',
    'switch 1 { 1 => rm("/x"), _ => grep::i }',
    'DirConfig().path("/").build().open(OpenDirOptions().build())',
  ].join("\n");
  const got = calls(src).map((c) => `${c.kind}:${c.ns ? `${c.ns}::` : ""}${c.name}@${c.line}`);
  for (const want of [
    "fn:cat@1",
    "method:read_lines@2",
    "fn:ls@3",
    "fn:rm@4",
    "method:open@5",
    "fn:DirConfig@5",
  ])
    assert.ok(got.includes(want), `${want} in ${got.join(" ")}`);
  assert.ok(!got.some((g) => g.includes("grep::i")), "a module constant is not a call");
});

const OPEN_ONLY = 'permit(principal, action == file_system::Action::"open", resource);';

test("a required action no permit applies to: an error; a when { false } permit does not count", () => {
  assert.deepEqual(blocked('cat("/etc/hostname")', OPEN_ONLY), ["cat:error"]);
  assert.deepEqual(
    blocked(
      'cat("/etc/hostname")',
      `${OPEN_ONLY}\npermit(principal, action == file_system::Action::"read", resource) when { false };`,
    ),
    ["cat:error"],
  );
  assert.deepEqual(
    blocked(
      'cat("/etc/hostname")',
      `${OPEN_ONLY}\npermit(principal, action == file_system::Action::"read", resource in file_system::Dir::"/etc");`,
    ),
    [],
  );
  // the redacted read alone is enough for cat's read group
  assert.deepEqual(
    blocked(
      'cat("/etc/hostname")',
      `${OPEN_ONLY}\npermit(principal, action == file_system::Action::"redacted_read", resource);`,
    ),
    [],
  );
});

test("a method name several types share: a warning when only some of them are never permitted", () => {
  // DirHandle.disk_usage requests stat only on some paths; FileHandle.disk_usage always does
  assert.deepEqual(blocked("let h = 1; h.disk_usage()", OPEN_ONLY), ["FileHandle.disk_usage:warning"]);
  // FileHandle.delete and DirHandle.delete both need delete: certain
  assert.deepEqual(blocked("let h = 1; h.delete(2)", OPEN_ONLY).sort(), [
    "DirHandle.delete:error",
    "FileHandle.delete:error",
  ]);
});

test("actions outside the namespace a permit names are never permitted (network from a file-only policy)", () => {
  assert.deepEqual(
    blocked('curl("http://x/")', 'permit(principal, action, resource in file_system::Dir::"/");'),
    ["curl:error"],
  );
  assert.deepEqual(blocked('curl("http://x/")', "permit(principal, action, resource);"), []);
});
