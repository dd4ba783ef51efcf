import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type CaseEnv, HOST_CASES } from "../../test/kit/host-cases/index.js";
import { runRex } from "./index.js";

const env: CaseEnv = {};
const children: ChildProcess[] = [];

function startServer(): Promise<string | undefined> {
  // A separate process: host calls are synchronous and would block an in-process server.
  const srv = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("node:http").createServer((q, r) => r.end("pong")); s.listen(0, "127.0.0.1", () => console.log(s.address().port));`,
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  children.push(srv);
  return new Promise((resolve) => {
    srv.stdout!.once("data", (b: Buffer) => resolve(`http://127.0.0.1:${String(b).trim()}`));
    srv.once("exit", () => resolve(undefined));
  });
}

before(async () => {
  env.httpBase = await startServer();
  const victim = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  children.push(victim);
  env.victimPid = victim.pid;
});

after(() => {
  for (const c of children) c.kill("SIGKILL");
});

function tempDir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), "sigrun-api-")));
}

const norm = (d: string, lines: string[]) =>
  lines.map((l) =>
    l
      .replace(/\S+::Action::"([^"]*)"/, "$1")
      .replace("file_system::", "")
      .replaceAll(d, "$D")
      .replace(/\.sigrun-\d+-[0-9a-z]+"/, '.sigrun-TMP"'),
  );

describe("every Cedar-gated script function: permitted and denied", () => {
  for (const c of HOST_CASES) {
    test(`${c.name}: permitted`, async (t) => {
      const why = c.skip?.(env) || c.skipAllowed?.(env);
      if (why) return t.skip(why);
      const d = tempDir();
      try {
        c.setup?.(d);
        const r = await runRex({
          script: c.script(d, env),
          policy: c.allow(d, env),
          explain: true,
          monitoring: false,
        });
        assert.equal(r.output.status, "SUCCESS", JSON.stringify(r.output.error));
        if (typeof c.output === "string") assert.equal(r.output.output, c.output);
        else if (c.output) assert.match(r.output.output, c.output);
        if (c.seq) {
          const trail = r.decisions.map((x) => `${x.decision} ${x.action} ${x.resource}`);
          assert.deepEqual(norm(d, trail), c.seq);
        }
        assert.ok(r.decisions.every((x) => x.decision === "allow"));
        c.effect?.(d);
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    });

    test(`${c.name}: denied`, async (t) => {
      const why = c.skip?.(env);
      if (why) return t.skip(why);
      const d = tempDir();
      try {
        c.setup?.(d);
        const policy = c.deny ? c.deny(d, env) : "";
        const r = await runRex({ script: c.script(d, env), policy, explain: true, monitoring: false });
        if (c.deniedOutput !== undefined) {
          assert.equal(r.output.status, "SUCCESS");
          assert.equal(r.output.output, c.deniedOutput);
          return;
        }
        assert.equal(r.exitCode, 0);
        assert.equal(r.output.status, "ERROR");
        assert.equal(r.output.error?.error_type, "ACCESS_DENIED_EXCEPTION", r.output.error?.message);
        assert.match(r.output.error!.message, /Permission denied: \S+ unauthorized to perform /);
        assert.equal(r.decisions.at(-1)?.decision, "deny");
        assert.ok(r.output.alarms?.some((a) => a.alarm_type === "RexRunnerPrivilegeEscalation"));
        c.noEffect?.(d);
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    });
  }
});
