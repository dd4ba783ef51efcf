import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { HostContext } from "../../src/host/index.js";
import * as h from "../../src/host/index.js";
import { createPolicyEngine } from "../../src/policy/index.js";
import { kindOf } from "../kit/host-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "sigrun-fail-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "a"), "x");

test("an authorizer that reports an engine error denies with AuthorizationError; nothing happens", () => {
  const ctx: HostContext = { user: "u", authorize: () => ({ allowed: true, policies: [], error: "boom" }) };
  assert.equal(
    kindOf(() => h.cat(ctx, join(dir, "a"))),
    "AuthorizationError",
  );
  assert.equal(
    kindOf(() => h.rm(ctx, join(dir, "a"))),
    "AuthorizationError",
  );
  assert.ok(existsSync(join(dir, "a")));
});

test("a request the schema rejects (unknown context shape) is a deny, not an allow", () => {
  const e = createPolicyEngine({ policy: "permit(principal, action, resource);" });
  const d = e.authorize({
    principal: { type: "User", id: "u" },
    action: { type: "file_system::Action", id: "read" },
    resource: { type: "file_system::File", id: "/x" },
    context: { unexpected: 1 },
    entities: [],
  });
  assert.equal(d.allowed, false);
  assert.ok(d.error);
});

test("a permit-all policy cannot authorize an action missing from the schema", () => {
  const e = createPolicyEngine({ policy: "permit(principal, action, resource);" });
  const d = e.authorize({
    principal: { type: "User", id: "u" },
    action: { type: "file_system::Action", id: "format_disk" },
    resource: { type: "file_system::File", id: "/x" },
    context: {},
    entities: [],
  });
  assert.equal(d.allowed, false);
});

test("a policy that errors while evaluating is skipped (Cedar semantics), and the default is deny", () => {
  // resource.url does not exist on files: this permit errors for every file request.
  const e = createPolicyEngine({
    policy: `permit(principal, action, resource) when { resource.url like "*" };`,
  });
  const d = e.authorize({
    principal: { type: "User", id: "u" },
    action: { type: "file_system::Action", id: "read" },
    resource: { type: "file_system::File", id: "/x" },
    context: {},
    entities: [{ uid: { type: "file_system::File", id: "/x" }, attrs: { path: "/x" }, parents: [] }],
  });
  assert.equal(d.allowed, false);
});
