import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../../test/kit/agent-fixtures.js";
import { cli, spawnHttpAgent } from "../../../test/kit/spawn-agent.js";
import { parsePublicKey } from "../../keys/index.js";
import { verifyReceipt } from "../receipt.js";

test("submit --wait: human summary, --receipt FILE, --json outcome with version and error message", async () => {
  const d = tempDir();
  const owner = ownerKey();
  const ok = join(d.path, "ok.sgb");
  writeFileSync(ok, await stubBundle([owner], { op: { op: "write", value: "data" } }));
  const bad = join(d.path, "bad.sgb");
  writeFileSync(bad, await stubBundle([owner], { op: { op: "fail", value: "disk \u001b[31mfull" } }));
  const { agent: a, state } = await spawnHttpAgent(d.path, owner);
  try {
    const hostPub = join(state, "host.pub");
    const r = cli([
      "submit",
      ok,
      "--to",
      a.url!,
      "--wait",
      "--host-pub",
      hostPub,
      "--receipt",
      join(d.path, "r.json"),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const text = r.stdout.toString();
    assert.match(text, /^job [0-9a-f]{32} on h1: succeeded \(exit 0\) in \d/m);
    assert.match(text, /result: {3}written/);
    assert.match(text, new RegExp(`stdout: {3}sigrun jobs logs [0-9a-f]{32} --to ${a.url}`));
    assert.match(text, /outputs: {2}out\.txt: sigrun jobs outputs/);
    const st = verifyReceipt(
      readFileSync(join(d.path, "r.json")),
      parsePublicKey(readFileSync(hostPub), "host.pub"),
    );
    assert.equal(st.predicate.status, "succeeded");

    const f = cli(["submit", bad, "--to", a.url!, "--wait", "--host-pub", hostPub]);
    assert.equal(f.status, 30, f.stderr);
    // the message is shown, its control characters escaped (no terminal escapes from a script)
    assert.match(
      f.stdout.toString(),
      /h1: failed \(exit 30\)[^\n]*\n {2}error: {4}SCRIPT_ERROR: disk \\u001b\[31mfull/,
    );
    assert.doesNotMatch(f.stdout.toString(), /\u001b/);

    const again = cli(["submit", ok, "--to", a.url!, "--wait", "--json"]);
    const j = JSON.parse(again.stdout.toString());
    assert.equal(j.version, 1);
    assert.equal(j.receipts[0].status, "rejected");
    assert.equal(j.receipts[0].error, "REPLAY");
    assert.equal(typeof j.receipts[0].message, "string");
    assert.ok(j.receipts[0].message.length > 0);
    assert.equal(j.receipts[0].exitCode, again.status);
    assert.equal(j.receipts[0].host, "h1");
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
    d.cleanup();
  }
});
