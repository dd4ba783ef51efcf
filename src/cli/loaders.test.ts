import assert from "node:assert/strict";
import { test } from "node:test";
import { newProgram } from "./base.js";
import { VERB_LOADERS } from "./commands/loaders.js";
import { buildProgram } from "./program.js";

test("the lazy verb table names exactly the verbs the full program registers, each loading its own verb", async () => {
  const full = buildProgram()
    .commands.map((c) => c.name())
    .sort();
  assert.deepEqual(Object.keys(VERB_LOADERS).sort(), full);
  for (const [verb, load] of Object.entries(VERB_LOADERS)) {
    const p = newProgram();
    (await load())(p);
    assert.deepEqual(
      p.commands.map((c) => c.name()),
      [verb],
    );
  }
});
