import assert from "node:assert/strict";
import { test } from "node:test";
import { actionUid, createPolicyEngine, fileEntities, userUid } from "../../src/policy/index.js";

// The per-engine decision memo must never answer one request with another's decision: the context
// (move destination), the principal, the entities' attributes and the policy set all change the key.
const move = (dest: string) => {
  const entities = fileEntities("/data/a");
  return {
    principal: userUid("u"),
    action: actionUid("file_system", "move"),
    resource: entities[0]!.uid,
    context: { destination: { path: dest, name: dest.split("/").pop()!, parent_path: "/data" } },
    entities,
  };
};

test("a cached allow for one destination does not allow another", () => {
  const e = createPolicyEngine({
    policy: `permit(principal, action, resource) when { context.destination.path like "/data/ok*" };`,
  });
  assert.equal(e.authorize(move("/data/ok1")).allowed, true);
  assert.equal(e.authorize(move("/etc/cron.d/x")).allowed, false);
  assert.equal(e.authorize(move("/data/ok1")).allowed, true);
  assert.equal(e.authorize(move("/etc/cron.d/x")).allowed, false);
});

test("principal and entity attributes are part of the key", () => {
  const e = createPolicyEngine({
    policy: `permit(principal == User::"alice", action, resource) when { resource.name == "sshd" };`,
  });
  const req = (user: string, name: string) => ({
    principal: userUid(user),
    action: actionUid("process_system", "kill"),
    resource: { type: "process_system::Process", id: "42" },
    context: {},
    entities: [
      {
        uid: { type: "process_system::Process", id: "42" },
        attrs: { name, username: "root", command: name },
        parents: [],
      },
    ],
  });
  assert.equal(e.authorize(req("alice", "sshd")).allowed, true);
  assert.equal(e.authorize(req("bob", "sshd")).allowed, false);
  assert.equal(e.authorize(req("alice", "init")).allowed, false);
});

test("engine failures are never cached as decisions", () => {
  const e = createPolicyEngine({ policy: "permit(principal, action, resource);" });
  const bad = { ...move("/data/x"), context: {} };
  assert.ok(e.authorize(bad).error);
  assert.ok(e.authorize(bad).error);
  assert.equal(e.authorize(bad).allowed, false);
});
