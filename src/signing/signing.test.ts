import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryRelay, rejectAll, runPair } from "../../test/kit/session-harness.js";
import { verifyDetached } from "../keys/index.js";

const enc = new TextEncoder();

test("signing: public-key mode over an honest relay signs raw, ssh and openpgp; outputs verify", async () => {
  const items = [
    { name: "a.bin", data: enc.encode("alpha"), format: "raw" as const },
    { name: "b.bin", data: new Uint8Array(200_000).fill(7), format: "ssh" as const },
    { name: "c.bin", data: enc.encode("gamma"), format: "openpgp" as const },
  ];
  const r = await runPair(new MemoryRelay(), { items });
  assert.equal(r.initiatorCode, "ok");
  assert.equal(r.signerCode, "ok");
  assert.equal(r.outputs.length, 3);
  for (let i = 0; i < 3; i++) {
    const v = await verifyDetached(items[i]!.data, r.outputs[i]!, r.fx.signerPub, {
      format: items[i]!.format as "raw",
    });
    assert.equal(v.ok, true);
  }
  assert.equal(r.sas.length, 2, "both sides computed a SAS");
  assert.equal(r.sas[0], r.sas[1]);
  assert.equal(r.sas[0]!.split(" ").length, 6);
});

test("signing: shared-secret mode (CPace) signs; both sides see the same SAS", async () => {
  const r = await runPair(new MemoryRelay(), { mode: "shared-secret" });
  assert.equal(r.initiatorCode, "ok");
  assert.equal(r.signerCode, "ok");
  assert.equal(r.sas[0], r.sas[1]);
});

test("signing: a human 'no' reaches the initiator as PEER_REJECTED", async () => {
  const r = await runPair(new MemoryRelay(), { approve: rejectAll });
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.signerCode, "ok");
});

test("signing: declining the session is reported to the initiator", async () => {
  const r = await runPair(new MemoryRelay(), { reviewSession: false });
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.signerCode, "ok");
});

test("signing: nobody joins → NOBODY_JOINED within the join timeout", async () => {
  const { runInitiator } = await import("./index.js");
  const { fixture, codeOf } = await import("../../test/kit/session-harness.js");
  const fx = fixture();
  const relay = new MemoryRelay();
  const code = await codeOf(
    runInitiator({
      relay: relay.end(),
      relayUrl: "ws://127.0.0.1:9/",
      mode: { kind: "public-key", signerKex: fx.kex.publicRaw },
      signerKey: fx.signerPub,
      items: [{ name: "x", data: enc.encode("x"), format: "raw" }],
      context: "",
      joinTimeoutMs: 200,
      responseTimeoutMs: 200,
      onJoinString: () => {},
    }),
  );
  assert.equal(code, "NOBODY_JOINED");
});

test("signing: a bundle signed remotely verifies; the signer saw the script and the policy in full", async () => {
  const { createBundle, verifyBundle, trustStoreOf } = await import("../bundle/index.js");
  const script = "let x = 40 + 2;\nprint(x);\n";
  const policy = 'permit(principal, action == Action::"read", resource);\n';
  const sgb = createBundle({
    files: new Map([
      ["main.rhai", enc.encode(script)],
      ["policy.cedar", enc.encode(policy)],
    ]),
    entry: "main.rhai",
    policy: "policy.cedar",
    created: Date.now(),
    validForMs: 3_600_000,
  });
  const seen: { script?: string; policy?: string; manifest?: string }[] = [];
  const r = await runPair(new MemoryRelay(), {
    items: [{ name: "job.sgb", data: sgb, format: "bundle" }],
    approve: async (rev) => {
      seen.push({ script: rev.script?.text, policy: rev.policy?.text, manifest: rev.manifest });
      return { approved: true, reason: "looks fine", by: "test" };
    },
  });
  assert.equal(r.initiatorCode, "ok");
  assert.equal(seen[0]?.script, script);
  assert.equal(seen[0]?.policy, policy);
  assert.match(seen[0]?.manifest ?? "", /"entry": "main.rhai"/);
  const v = verifyBundle(r.outputs[0]!, { trust: trustStoreOf([r.fx.signerPub]) });
  assert.equal(v.signers.length, 1);
});
