// Imports have no side effects (ARCHITECTURE.md §3): importing any module's index prints nothing, leaves no
// timer, socket or worker running, reads no environment-dependent state, and is quick (no wasm loaded).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { test } from "node:test";

// Some dependencies (ioredis, @hono/node-server) probe process.stderr at import, which opens the stdio
// handle; that starts no work, so stdio handles are not counted.
const STDIO_HANDLES = ["PipeWrap", "TTYWrap"];
const modules = readdirSync("dist/src").filter((m) => m !== "cli" && existsSync(`dist/src/${m}/index.js`));

test("importing each module's index has no side effects", () => {
  assert.ok(modules.includes("core") && modules.includes("bundle"));
  for (const m of modules) {
    const probe = `
      const STDIO = __STDIO__;
      const before = new Set(process.getActiveResourcesInfo());
      await import(${JSON.stringify(`${process.cwd()}/dist/src/${m}/index.js`)});
      await new Promise((r) => setTimeout(r, 50));
      const after = process.getActiveResourcesInfo().filter((r) => !before.has(r) && !STDIO.includes(r));
      process.stdout.write(JSON.stringify({ after }));`.replace("__STDIO__", JSON.stringify(STDIO_HANDLES));
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], {
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(r.status, 0, `${m}: ${r.stderr}`);
    assert.equal(r.stderr, "", `${m} wrote to stderr`);
    const { after } = JSON.parse(r.stdout) as { after: string[] };
    assert.deepEqual(after, [], `${m} left resources running: ${after.join(", ")}`);
  }
});
