// Attack: hand the agent a bundle that is unsigned, signed by a stranger, tampered after signing, or not a
// bundle at all — over HTTP. Expected: a signed rejection receipt with the precise code, HTTP 422, no run
// (no "run" audit entry, no work directory output).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { HttpTransport, verifyReceipt } from "../../src/agent/index.js";
import { readAuditEntries } from "../../src/audit/index.js";
import { createBundle } from "../../src/bundle/index.js";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../kit/agent-fixtures.js";

test("agent-unsigned-bundle: unsigned, untrusted, tampered and garbage bundles never run", async () => {
  const d = tempDir();
  const owner = ownerKey();
  const agent = await Agent.start({
    stateDir: d.path,
    hostId: "h1",
    trust: trustOf(owner),
    runnerModule: STUB_RUNNER,
  });
  const http = new HttpTransport({ host: "127.0.0.1", port: 0 });
  await http.start(agent);
  const post = async (body: Uint8Array) => {
    const res = await fetch(`http://127.0.0.1:${http.port()}/execute`, { method: "POST", body });
    return {
      status: res.status,
      receipt: verifyReceipt(new Uint8Array(await res.arrayBuffer()), agent.identity.publicKey),
    };
  };
  try {
    const unsigned = createBundle({
      files: new Map([
        ["script.rhai", Buffer.from('{"op":"write"}')],
        ["policy.cedar", Buffer.from("permit(principal, action, resource);")],
      ]),
      entry: "script.rhai",
      policy: "policy.cedar",
      created: Date.now() - 1000,
      validForMs: 60_000,
    });
    const r1 = await post(unsigned);
    assert.equal(r1.status, 422);
    assert.equal(r1.receipt.predicate.error?.code, "THRESHOLD_NOT_MET");

    const r2 = await post(await stubBundle([ownerKey()], { op: { op: "write" } }));
    assert.equal(r2.receipt.predicate.error?.code, "SIGNER_UNTRUSTED");

    const good = await stubBundle([owner], { op: { op: "write", value: "x" } });
    const tampered = Buffer.from(good);
    const at = tampered.indexOf('"op":"write"');
    tampered.write('"op":"wrjte"', at);
    const r3 = await post(tampered);
    assert.ok(
      ["DIGEST_MISMATCH", "SIGNATURE_INVALID", "BUNDLE_MALFORMED"].includes(
        String(r3.receipt.predicate.error?.code),
      ),
    );

    const r4 = await post(new Uint8Array(Buffer.from("#!/bin/sh\nrm -rf /\n")));
    assert.equal(r4.receipt.predicate.error?.code, "BUNDLE_MALFORMED");
    for (const r of [r1, r2, r3, r4]) {
      assert.equal(r.receipt.predicate.status, "rejected");
      assert.equal(r.receipt.predicate.times.started, null);
    }
  } finally {
    await http.stop();
    await agent.close();
  }
  assert.equal(readAuditEntries(join(d.path, "state.db")).filter((e) => e.type === "run").length, 0);
  d.cleanup();
});
