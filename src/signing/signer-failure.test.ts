import assert from "node:assert/strict";
import { test } from "node:test";
import { approveAll, codeOf, fixture, MemoryRelay } from "../../test/kit/session-harness.js";
import { SigrunError } from "../core/index.js";
import type { Signer } from "../keys/index.js";
import { type AuditEntry, runInitiator, runSigner, type SignerSessionOptions } from "./index.js";

/**
 * Issue 7: "on local failure after the routing id is known, the signer tells the initiator; nothing
 * hangs". Each local failure of the signer (session review or policy, audit log, signing key) must
 * reach the initiator as PEER_REJECTED long before its join/response timeouts (30 s here), and a
 * signature whose audit record could not be written is never released.
 */
const enc = new TextEncoder();
const LONG_MS = 30_000;

async function run(over: Partial<SignerSessionOptions>, fx = fixture()) {
  const relay = new MemoryRelay();
  let join: (b: Uint8Array) => void = () => {};
  const joined = new Promise<Uint8Array>((r) => (join = r));
  let outputs: (Uint8Array | undefined)[] = [];
  const started = Date.now();
  let peerCode: unknown;
  const initiator = runInitiator({
    relay: relay.end(),
    relayUrl: "ws://127.0.0.1:9/",
    mode: { kind: "public-key", signerKex: fx.kex.publicRaw },
    signerKey: fx.signerPub,
    items: [{ name: "a.txt", data: enc.encode("hello\n"), format: "raw" }],
    context: "test/repo run 1",
    joinTimeoutMs: LONG_MS,
    responseTimeoutMs: LONG_MS,
    handshakeTimeoutMs: LONG_MS,
    onJoinString: (j) => join(j.bytes),
  }).then(
    (r) => {
      outputs = r.outputs;
    },
    (err) => {
      peerCode = (err as SigrunError).details?.peerCode;
      throw err;
    },
  );
  const signer = joined.then((joinBytes) =>
    runSigner({
      joinBytes,
      secrets: { kexKey: fx.kex.privateKey },
      signer: fx.signer,
      connect: async () => relay.end(),
      reviewSession: async () => true,
      approve: approveAll,
      idleTimeoutMs: LONG_MS,
      ...over,
    }),
  );
  const [initiatorCode, signerCode] = await Promise.all([codeOf(initiator), codeOf(signer)]);
  return { initiatorCode, signerCode, peerCode, outputs, ms: Date.now() - started };
}

test("signer failure: the session review throws (bad policy) → initiator told at once", async () => {
  const r = await run({
    reviewSession: async () => {
      throw new SigrunError("POLICY_INVALID", "policy: does not parse");
    },
  });
  assert.equal(r.signerCode, "POLICY_INVALID");
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.peerCode, "POLICY_INVALID");
  assert.ok(r.ms < LONG_MS / 3, `took ${r.ms} ms`);
});

test("signer failure: the audit log cannot record the session → initiator told at once", async () => {
  let asked = 0;
  const r = await run({
    audit: () => {
      throw new SigrunError("IO_ERROR", "--audit: cannot append");
    },
    approve: async (req) => {
      asked++;
      return approveAll(req);
    },
  });
  assert.equal(asked, 0, "no request is reviewed in a session that was not recorded");
  assert.equal(r.signerCode, "IO_ERROR");
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.peerCode, "IO_ERROR");
  assert.ok(r.ms < LONG_MS / 3, `took ${r.ms} ms`);
});

test("signer failure: the audit log fails on a request → no signature released, initiator told", async () => {
  const entries: AuditEntry[] = [];
  const r = await run({
    audit: (e) => {
      if (e.event === "request") throw new SigrunError("IO_ERROR", "--audit: disk full");
      entries.push(e);
    },
  });
  assert.equal(r.signerCode, "IO_ERROR");
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.peerCode, "IO_ERROR");
  assert.deepEqual(r.outputs, []);
  assert.equal(entries.length, 1, "only the session entry");
});

test("signer failure: the signing key fails → initiator told at once", async () => {
  const fx = fixture();
  const broken: Signer = {
    publicKey: fx.signerPub,
    sign: async () => {
      throw new SigrunError("KEY_INVALID", "token removed");
    },
  };
  const r = await run({ signer: broken }, fx);
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.signerCode, "KEY_INVALID");
  assert.ok(r.ms < LONG_MS / 3, `took ${r.ms} ms`);
});

test("signer interrupted (Ctrl-C) while reviewing → initiator told at once", async () => {
  const ac = new AbortController();
  const r = await run({
    signal: ac.signal,
    approve: () =>
      new Promise((resolve) => {
        ac.signal.addEventListener("abort", () => resolve({ approved: false, reason: "gone", by: "human" }));
        setTimeout(() => ac.abort(), 50);
      }),
  });
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.peerCode, "INTERRUPTED");
  assert.equal(r.signerCode, "INTERRUPTED");
  assert.ok(r.ms < LONG_MS / 3, `took ${r.ms} ms`);
});

test("signer interrupted (Ctrl-C) at the join question → initiator told at once", async () => {
  const ac = new AbortController();
  const r = await run({
    signal: ac.signal,
    reviewSession: () => {
      setTimeout(() => ac.abort(), 50);
      return new Promise(() => {}); // a terminal question nobody answers
    },
  });
  assert.equal(r.initiatorCode, "PEER_REJECTED");
  assert.equal(r.peerCode, "INTERRUPTED");
  assert.equal(r.signerCode, "INTERRUPTED");
  assert.ok(r.ms < LONG_MS / 3, `took ${r.ms} ms`);
});
