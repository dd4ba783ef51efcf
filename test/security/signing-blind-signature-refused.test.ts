import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { fromBase64Url } from "../../src/core/index.js";
import {
  Channel,
  initiatePublicKey,
  initiatorConfirmTag,
  signerKeyIdBytes,
} from "../../src/session/index.js";
import { type RequestReview, runSigner, SecureLink } from "../../src/signing/index.js";
import { decodeReject, encodeConfirm, encodeRequest } from "../../src/signing/messages.js";
import { codeOf, fixture, MemoryRelay } from "../kit/session-harness.js";

/**
 * Attack: a malicious initiator (the untrusted CI machine) tries to get something signed that the
 * human did not see: a digest that does not match the bytes, more bytes than announced, more
 * signatures than the cap. The signer computes everything it shows from the bytes it will sign.
 */
async function maliciousSession(cap = 2) {
  const fx = fixture();
  const relay = new MemoryRelay();
  const a = relay.end();
  await a.create();
  const hs = await initiatePublicKey(fx.kex.publicRaw, {
    relay: "ws://127.0.0.1:9/",
    routingId: fromBase64Url(relay.session),
    expiry: Math.floor(Date.now() / 1000) + 60,
    signerKeyId: signerKeyIdBytes(fx.signerPub.spkiDer),
    maxSignatures: cap,
    context: "evil",
  });
  const reviews: RequestReview[] = [];
  const signer = runSigner({
    joinBytes: hs.joinBytes,
    secrets: { kexKey: fx.kex.privateKey },
    signer: fx.signer,
    connect: async () => relay.end(),
    reviewSession: async () => true,
    approve: async (r) => {
      reviews.push(r);
      return { approved: true, reason: "approved what was shown", by: "test" };
    },
    idleTimeoutMs: 2000,
    handshakeTimeoutMs: 2000,
    dataTimeoutMs: 2000,
  });
  const keys = hs.finish((await a.waitForPeer({ timeoutMs: 2000 }))!);
  const link = new SecureLink(a, new Channel(keys, "initiator"));
  await link.send("confirm", encodeConfirm(initiatorConfirmTag(keys)));
  assert.equal((await link.recv(2000)).type, "ready");
  return { link, signer, reviews };
}

const sha = (d: Uint8Array) => new Uint8Array(createHash("sha256").update(d).digest());
const shown = new TextEncoder().encode("release notes v1.0");
const evil = new TextEncoder().encode("malware payload!!!");

test("signing: a request whose announced sha256 differs from its bytes is refused before review", async () => {
  const { link, signer, reviews } = await maliciousSession();
  await link.send(
    "request",
    encodeRequest({
      reqId: 1,
      kind: "file",
      name: "notes.txt",
      size: evil.byteLength,
      sha256: sha(shown),
      format: "raw",
    }),
  );
  await link.send("data", evil);
  const f = await link.recv(2000);
  assert.equal(f.type, "reject");
  assert.equal(decodeReject(f.plaintext).code, "DIGEST_MISMATCH");
  assert.equal(reviews.length, 0, "the human was never asked");
  await link.send("close", new Uint8Array([0x81, 0x60]));
  assert.equal(await codeOf(signer), "ok");
});

test("signing: the review shows the digest the signer computed from the bytes it signs", async () => {
  const { link, signer, reviews } = await maliciousSession();
  await link.send(
    "request",
    encodeRequest({
      reqId: 1,
      kind: "file",
      name: "notes.txt",
      size: shown.byteLength,
      sha256: sha(shown),
      format: "raw",
    }),
  );
  await link.send("data", shown);
  assert.equal((await link.recv(2000)).type, "response");
  assert.equal(reviews[0]?.sha256, Buffer.from(sha(shown)).toString("hex"));
  assert.equal(reviews[0]?.size, shown.byteLength);
  await link.send("close", new Uint8Array([0x81, 0x60]));
  assert.equal(await codeOf(signer), "ok");
});

test("signing: more data than announced aborts the session; nothing is signed", async () => {
  const { link, signer, reviews } = await maliciousSession();
  await link.send(
    "request",
    encodeRequest({ reqId: 1, kind: "file", name: "a", size: 4, sha256: sha(evil), format: "raw" }),
  );
  await link.send("data", evil);
  assert.equal(await codeOf(signer), "CHANNEL_ERROR");
  assert.equal(reviews.length, 0);
});

test("signing: requests beyond the signature cap are refused", async () => {
  const { link, signer } = await maliciousSession(1);
  for (const reqId of [1, 2]) {
    await link.send(
      "request",
      encodeRequest({
        reqId,
        kind: "file",
        name: "a",
        size: shown.byteLength,
        sha256: sha(shown),
        format: "raw",
      }),
    );
    await link.send("data", shown);
    const f = await link.recv(2000);
    if (reqId === 1) assert.equal(f.type, "response");
    else {
      assert.equal(f.type, "reject");
      assert.equal(decodeReject(f.plaintext).code, "LIMIT_EXCEEDED");
    }
  }
  await link.send("close", new Uint8Array([0x81, 0x60]));
  assert.equal(await codeOf(signer), "ok");
});
