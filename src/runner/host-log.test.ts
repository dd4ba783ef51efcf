// Host functions report what they skip or do through the run's log (Rex shows these among the script's
// logs): `mv` with the verbose flag logs its move at INFO, and the run's output carries it.
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runRex } from "./index.js";

test("a host function's log line reaches the run's logs", async () => {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-hostlog-")));
  try {
    writeFileSync(join(d, "a"), "data");
    const r = await runRex({
      script: `mv([mv::verbose], "${d}/a", "${d}/b"); "done"`,
      policy: `permit(principal, action, resource in file_system::Dir::"${d}");`,
      monitoring: false,
    });
    assert.equal(r.output.status, "SUCCESS", JSON.stringify(r.output.error));
    const lines = (r.output.logs ?? []).map((l) => `${l.attributes.level} ${l.attributes.message}`);
    assert.ok(
      lines.some((l) => l === `INFO Moved from '${d}/a' to '${d}/b'`),
      `no host log line in ${JSON.stringify(lines)}`,
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
