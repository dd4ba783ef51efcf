import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  actionUid,
  createPolicyEngine,
  fileEntities,
  loadCedar,
  loadRexSchema,
  rexSchema,
  rexSchemaJsonPath,
  userUid,
} from "./index.js";

const req = (verb: string, path: string, ctx: Record<string, unknown> = {}) => {
  const entities = fileEntities(path);
  return {
    principal: userUid("alice"),
    action: actionUid("file_system", verb),
    resource: entities[0]!.uid,
    context: ctx,
    entities,
  };
};

test("the build ships Rex's schema in Cedar's JSON form, converted from the shipped text", () => {
  const converted = loadCedar().schemaToJson(loadRexSchema());
  assert.equal(converted.type, "success");
  const shipped = JSON.parse(readFileSync(rexSchemaJsonPath(), "utf8")) as unknown;
  assert.deepEqual(shipped, converted.type === "success" ? converted.json : undefined);
  const source = rexSchema();
  assert.equal(typeof source.schema, "object");
  assert.equal(source.builtin, true);
});

/**
 * Validation findings as a set, without the suggestion Cedar picks among equally close names: cedar-wasm
 * lists findings and breaks such ties in hash-map order, which differs from call to call (text or JSON).
 */
const findings = (warnings: readonly string[]): string[] =>
  warnings.map((w) => w.replace(/ \(did you mean `[^`]*`\?\)$/, "")).sort();

test("Rex's schema: the JSON form gives the same decisions and findings as the text", () => {
  const text = loadRexSchema();
  const policies = [
    `permit(principal, action == file_system::Action::"reed", resource);`,
    `permit(principal, action in file_system::Action::"SafeIO", resource in file_system::Dir::"/var/log");`,
    `permit(principal, action, resource) when { resource.pth like "/tmp/*" };`,
    `forbid(principal, action == file_system::Action::"read", resource) when { resource has path && resource.path like "*secret*" };
     permit(principal, action, resource);`,
    `permit(principal, action == file_system::Action::"set_x_attr", resource) when { context.xattr.name == "user.a" };`,
  ];
  const requests = [
    req("read", "/var/log/x"),
    req("read", "/tmp/secret.txt"),
    req("write", "/tmp/a"),
    req("teleport", "/tmp/a"),
    req("set_x_attr", "/tmp/a", { xattr: { name: "user.a" } }),
    req("set_x_attr", "/tmp/a", { xattr: { nam: "user.a" } }),
    req("read", "/tmp/a", { extra: 1 }),
  ];
  const pth = createPolicyEngine({ policy: policies[2]! });
  assert.ok(pth.warnings.some((w) => w.includes("`file_system::File` not found (did you mean `path`?)")));
  for (const policy of policies) {
    const json = createPolicyEngine({ policy, cacheSize: 0 });
    const fromText = createPolicyEngine({ policy, schema: text, cacheSize: 0 });
    assert.deepEqual(findings(json.warnings), findings(fromText.warnings), policy);
    assert.deepEqual(json.policyIds, fromText.policyIds, policy);
    for (const r of requests) {
      assert.deepEqual(json.authorize(r), fromText.authorize(r), `${policy} ${r.action.id}`);
    }
  }
});

/** Counts calls of cedar-wasm's functions by name while `fn` runs. */
function counting(names: string[], fn: (calls: Record<string, number>) => void): void {
  const cedar = loadCedar() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const calls: Record<string, number> = {};
  const saved = names.map((n) => [n, cedar[n]!] as const);
  for (const [n, original] of saved) {
    calls[n] = 0;
    cedar[n] = (...a: unknown[]) => {
      calls[n]!++;
      return original(...a);
    };
  }
  try {
    fn(calls);
  } finally {
    for (const [n, original] of saved) cedar[n] = original;
  }
}

test("policy preparation does no needless work: validation on first read of warnings, Rex's schema on first decision", () => {
  counting(["validate", "preparseSchema"], (calls) => {
    const policy = `permit(principal, action == file_system::Action::"reed", resource); // ${Math.random()}`;
    const e = createPolicyEngine({ policy });
    assert.deepEqual(calls, { validate: 0, preparseSchema: 0 });
    assert.ok(e.warnings.some((w) => w.includes("reed")));
    assert.equal(calls.validate, 1);
    assert.equal(e.authorize(req("read", "/tmp/a")).allowed, false);
    assert.equal(e.authorize(req("write", "/tmp/a")).allowed, false);
    assert.equal(calls.preparseSchema, 1);
    // strict validates at load; a caller's schema is parsed at load (its errors belong there)
    assert.throws(() => createPolicyEngine({ policy, strict: true }), /not valid for the schema/);
    assert.equal(calls.validate, 2);
    createPolicyEngine({ policy: "", schema: loadRexSchema() });
    assert.equal(calls.preparseSchema, 2);
  });
});
