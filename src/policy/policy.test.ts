import assert from "node:assert/strict";
import { test } from "node:test";
import { isSigrunError } from "../core/index.js";
import {
  actionUid,
  createPolicyEngine,
  dirEntities,
  fileEntities,
  PreparedPolicies,
  parentPath,
  userUid,
} from "./index.js";

const req = (verb: string, path: string, ctx: Record<string, unknown> = {}, ns = "file_system") => {
  const entities = fileEntities(path);
  return {
    principal: userUid("alice"),
    action: actionUid(ns, verb),
    resource: entities[0]!.uid,
    context: ctx,
    entities,
  };
};

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return "ok";
  } catch (err) {
    return isSigrunError(err) ? err.code : "other";
  }
};

test("entities: file in its whole directory chain, each with path", () => {
  assert.deepEqual(
    fileEntities("/a/b/c").map((e) => [e.uid.type, e.uid.id, e.attrs.path, e.parents.map((p) => p.id)]),
    [
      ["file_system::File", "/a/b/c", "/a/b/c", ["/a/b"]],
      ["file_system::Dir", "/a/b", "/a/b", ["/a"]],
      ["file_system::Dir", "/a", "/a", ["/"]],
      ["file_system::Dir", "/", "/", []],
    ],
  );
  assert.equal(dirEntities("/tmp/")[0]!.uid.id, "/tmp");
  assert.equal(dirEntities("/")[0]!.uid.id, "/");
  assert.equal(parentPath("/"), undefined);
  assert.equal(parentPath("/x"), "/");
});

test("hierarchy: resource in Dir matches nested files; default deny elsewhere", () => {
  const e = createPolicyEngine({
    policy: `permit(principal, action == file_system::Action::"read", resource in file_system::Dir::"/var/log");`,
  });
  assert.equal(e.authorize(req("read", "/var/log/app/x.log")).allowed, true);
  assert.deepEqual(e.authorize(req("read", "/var/log/app/x.log")).policies, ["policy0"]);
  assert.equal(e.authorize(req("read", "/var/logs/x")).allowed, false);
  assert.equal(e.authorize(req("write", "/var/log/x")).allowed, false);
});

test("action groups from the schema (SafeIO) and forbid overrides permit", () => {
  const e = createPolicyEngine({
    policy: `@id("all-io") permit(principal, action in file_system::Action::"SafeIO", resource);
@id("no-shadow") forbid(principal, action, resource == file_system::File::"/etc/shadow");`,
  });
  assert.equal(e.authorize(req("stat", "/etc/passwd")).allowed, true);
  const d = e.authorize(req("read", "/etc/shadow"));
  assert.equal(d.allowed, false);
  assert.deepEqual(d.policies, ["no-shadow"]);
  assert.deepEqual(e.policyIds, ["all-io", "no-shadow"]);
});

test("path attribute and like patterns", () => {
  const e = createPolicyEngine({
    policy: `permit(principal, action, resource is file_system::File) when { resource.path like "/srv/*.conf" };`,
  });
  assert.equal(e.authorize(req("read", "/srv/a/b.conf")).allowed, true);
  assert.equal(e.authorize(req("read", "/srv/a/b.txt")).allowed, false);
});

test("principal is User::<name>", () => {
  const e = createPolicyEngine({ policy: `permit(principal == User::"alice", action, resource);` });
  assert.equal(e.authorize(req("read", "/x")).allowed, true);
  assert.equal(e.authorize({ ...req("read", "/x"), principal: userUid("bob") }).allowed, false);
});

test("request not valid for the schema (move without destination): engine failure = deny with error", () => {
  const e = createPolicyEngine({ policy: `permit(principal, action, resource);` });
  const d = e.authorize(req("move", "/tmp/a"));
  assert.equal(d.allowed, false);
  assert.ok(d.error);
  const ok = e.authorize(
    req("move", "/tmp/a", { destination: { path: "/tmp/b", name: "b", parent_path: "/tmp" } }),
  );
  assert.equal(ok.allowed, true);
  // unknown action: not in the schema
  assert.equal(e.authorize(req("teleport", "/tmp/a")).allowed, false);
});

test("policy validation: warnings by default (Rex accepts misspelt actions), errors with strict", () => {
  const text = `permit(principal, action == file_system::Action::"reed", resource);`;
  const e = createPolicyEngine({ policy: text });
  assert.ok(e.warnings.some((w) => w.includes("reed")));
  assert.equal(
    codeOf(() => createPolicyEngine({ policy: text, strict: true })),
    "POLICY_INVALID",
  );
  assert.equal(
    codeOf(() => createPolicyEngine({ policy: "permit(" })),
    "POLICY_INVALID",
  );
  assert.equal(
    codeOf(() => createPolicyEngine({ policy: "", schema: "entity" })),
    "SCHEMA_INVALID",
  );
  assert.equal(
    codeOf(() => createPolicyEngine({ policy: `permit(principal == ?principal, action, resource);` })),
    "POLICY_INVALID",
  );
});

test("empty policy denies everything", () => {
  const e = createPolicyEngine({ policy: "" });
  assert.equal(e.authorize(req("read", "/tmp/x")).allowed, false);
});

test("two engines with different policies do not share decisions (cache keyed by policy hash)", () => {
  const a = createPolicyEngine({ policy: `permit(principal, action, resource);` });
  const b = createPolicyEngine({ policy: `forbid(principal, action, resource);` });
  assert.notEqual(a.policyHash, b.policyHash);
  assert.equal(a.authorize(req("read", "/x")).allowed, true);
  assert.equal(b.authorize(req("read", "/x")).allowed, false);
  assert.equal(a.authorize(req("read", "/x")).allowed, true);
});

test("prepared policies: reused across engines, same findings, strict still enforced, failures not kept", () => {
  const prepared = new PreparedPolicies();
  const misspelt = `permit(principal, action == file_system::Action::"reed", resource);`;
  const a = createPolicyEngine({ policy: misspelt, prepared });
  const b = createPolicyEngine({ policy: misspelt, prepared });
  assert.deepEqual(b.warnings, a.warnings);
  assert.ok(b.warnings.some((w) => w.includes("reed")));
  assert.deepEqual(b.policyIds, a.policyIds);
  assert.equal(prepared.size, 2); // the schema and one policy set
  assert.equal(
    codeOf(() => createPolicyEngine({ policy: misspelt, strict: true, prepared })),
    "POLICY_INVALID",
  );
  for (let i = 0; i < 2; i++) {
    assert.equal(
      codeOf(() => createPolicyEngine({ policy: "permit(", prepared })),
      "POLICY_INVALID",
    );
  }
  assert.equal(prepared.size, 2);
  const allow = createPolicyEngine({ policy: `permit(principal, action, resource);`, prepared });
  const deny = createPolicyEngine({ policy: `forbid(principal, action, resource);`, prepared });
  const again = createPolicyEngine({ policy: `permit(principal, action, resource);`, prepared });
  assert.equal(allow.authorize(req("read", "/x")).allowed, true);
  assert.equal(deny.authorize(req("read", "/x")).allowed, false);
  assert.equal(again.authorize(req("read", "/x")).allowed, true);
  assert.equal(again.policyHash, allow.policyHash);
  // an engine failure is still a deny on a reused policy set
  assert.ok(again.authorize(req("move", "/tmp/a")).error);
  assert.equal(again.authorize(req("move", "/tmp/a")).allowed, false);
});

test("prepared policies: the oldest entry is evicted at the cap and comes back on use", () => {
  const prepared = new PreparedPolicies(2);
  const p = (n: number) => `permit(principal == User::"u${n}", action, resource);`;
  for (let n = 0; n < 4; n++) createPolicyEngine({ policy: p(n), prepared });
  assert.equal(prepared.size, 3); // the schema and two policy sets
  const e = createPolicyEngine({ policy: p(0), prepared });
  assert.equal(e.authorize({ ...req("read", "/x"), principal: userUid("u0") }).allowed, true);
  assert.equal(e.authorize({ ...req("read", "/x"), principal: userUid("u1") }).allowed, false);
});
