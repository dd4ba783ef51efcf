import assert from "node:assert/strict";
import { test } from "node:test";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../../test/kit/agent-fixtures.js";
import { Agent } from "./agent.js";

// The pool's wall-clock timer is a setTimeout of the run's limit; an agent whose limits.wallClockMs is past
// setTimeout's range (2^31 - 1 ms, about 24.8 days; the config takes any positive integer) had Node fire
// it at once: every job "exceeded" its wall clock (TIMEOUT) in a millisecond.
test("agent: a wall-clock ceiling past setTimeout's range does not time a quick job out", async () => {
  const dir = tempDir();
  const owner = ownerKey();
  const agent = await Agent.start({
    stateDir: dir.path,
    hostId: "web-1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
    limits: { wallClockMs: 3_000_000_000 },
  });
  try {
    const bytes = await stubBundle([owner], { op: { op: "write", value: "data" }, targets: ["web-1"] });
    const r = await agent.submit({ bytes, transport: "test" });
    assert.equal(r.status, "succeeded", `${r.errorCode ?? ""}`);
  } finally {
    await agent.close();
    dir.cleanup();
  }
});
