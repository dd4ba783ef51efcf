import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../test/kit/agent-fixtures.js";
import { cli, spawnHttpAgent } from "../../test/kit/spawn-agent.js";
import { publicKeyPem } from "../keys/index.js";
import { formatEvent } from "./event-log.js";

test("event log text form: one line, identifiers bare, anything else quoted", () => {
  const line = formatEvent(
    { event: "rejected", job: "ab", transport: "http", code: "REPLAY", bundle: null },
    "text",
    0,
  );
  assert.equal(line, "1970-01-01T00:00:00.000Z rejected job=ab transport=http code=REPLAY\n");
  const odd = formatEvent({ event: "received", job: "a\nb", transport: "x y", bytes: 3 }, "text", 0);
  assert.equal(odd.split("\n").length, 2);
});

for (const format of ["json", "text"] as const) {
  test(`agent --log-format ${format}: received, started, finished, rejected — no script output, no secrets`, async () => {
    const d = tempDir();
    const owner = ownerKey();
    const ok = join(d.path, "ok.sgb");
    writeFileSync(ok, await stubBundle([owner], { op: { op: "echo", value: "SECRET-OUTPUT" } }));
    const bad = join(d.path, "bad.sgb");
    writeFileSync(bad, await stubBundle([owner], { op: { op: "fail", value: "SECRET-ERROR" } }));
    writeFileSync(join(d.path, "submit.token"), "s-0123456789abcdef0123SECRET\n");
    const { agent: a, state } = await spawnHttpAgent(d.path, owner, [
      "--submit-token-file",
      join(d.path, "submit.token"),
      "--log-format",
      format,
    ]);
    let stderr = "";
    try {
      const sub = ["--to", a.url!, "--wait", "--token-file", join(d.path, "submit.token")];
      assert.equal(cli(["submit", ok, ...sub]).status, 0);
      assert.equal(cli(["submit", bad, ...sub]).status, 30);
      assert.equal(cli(["submit", ok, ...sub]).status, 50);
    } finally {
      assert.equal(await a.stop(), 0, a.stderr());
      stderr = a.stderr();
      d.cleanup();
    }
    assert.doesNotMatch(stderr, /SECRET/);
    const lines = stderr.split("\n").filter((l) => /(received|started|finished|rejected)/.test(l));
    const events =
      format === "json"
        ? lines.map((l) => JSON.parse(l) as Record<string, unknown>)
        : lines.map((l) => {
            const [time, event, ...kv] = l.split(" ");
            return { time, event, ...Object.fromEntries(kv.map((x) => x.split("="))) } as Record<
              string,
              unknown
            >;
          });
    const kinds = events.map((e) => e.event);
    assert.equal(kinds.filter((k) => k === "received").length, 3);
    assert.equal(kinds.filter((k) => k === "started").length, 2);
    assert.equal(kinds.filter((k) => k === "finished").length, 2);
    const rejected = events.filter((e) => e.event === "rejected");
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]!.code, "REPLAY");
    const failed = events.find((e) => e.event === "finished" && e.status === "failed");
    assert.equal(failed?.code, "SCRIPT_ERROR");
    assert.ok(Number(failed?.durationMs) >= 0);
    for (const e of events) assert.match(String(e.time), /^\d{4}-\d\d-\d\dT/);
  });
}
