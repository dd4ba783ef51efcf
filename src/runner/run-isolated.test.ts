import assert from "node:assert/strict";
import { test } from "node:test";
import { runRexIsolated } from "./run-isolated.js";

// The thread's wall-clock backstop is a timer of the limit + 5 s; a limit past setTimeout's range
// (2^31 - 1 ms, about 24.8 days; --max-wall-ms takes up to 15 digits) made Node fire it at once: a
// trivial script "exceeded" a wall clock of 4,000,000,000 ms in a millisecond.
test("a wall-clock limit past setTimeout's range does not end a quick run", async () => {
  for (const maxWallMs of [2 ** 31 - 1, 4_000_000_000, 999_999_999_999_999]) {
    const r = await runRexIsolated({
      script: "1 + 2",
      policy: "permit(principal, action, resource);",
      limits: { maxWallMs },
    });
    const o = r.output as { status?: string; output?: string; error?: { message?: string } };
    assert.equal(o.status, "SUCCESS", `--max-wall-ms ${maxWallMs}: ${o.error?.message}`);
    assert.equal(o.output, "3");
  }
});
