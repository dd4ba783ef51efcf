// Builds the fleet heartbeat vectors (vectors/heartbeat/) from fixed seeds: Ed25519 is deterministic, so the
// same code always yields the same bytes. Regenerate: npm run build && node dist/test/kit/gen-heartbeat-vectors.js
import {
  HEARTBEAT_PAYLOAD_TYPE,
  HEARTBEAT_TYPE,
  type Heartbeat,
  signHeartbeat,
} from "../../src/agent/heartbeat.js";
import { canonicalJson, encodeEnvelope, pae, toBase64, utf8Encode } from "../../src/core/index.js";
import { fileSigner, publicKeyPem } from "../../src/keys/index.js";
import { seededKey } from "./receipt-vectors.js";

export interface HeartbeatVector {
  readonly file: string;
  readonly bytes: Uint8Array;
  /** "verified" | "bad-signature" (read with host.pub as web-1's key), or an error code. */
  readonly expect: string;
  readonly note: string;
}

export async function heartbeatVectors(): Promise<{ hostPub: string; vectors: HeartbeatVector[] }> {
  const host = fileSigner(seededKey(0x31).privateKey);
  const other = fileSigner(seededKey(0x32).privateKey);
  const hb: Heartbeat = {
    type: HEARTBEAT_TYPE,
    host: { id: "web-1", keyId: host.publicKey.keyId, groups: ["web", "eu"] },
    agent: { version: "0.1.0" },
    transport: "nats",
    state: "running",
    startedAt: "2026-12-07T03:00:00.000Z",
    lastSeen: "2026-12-07T03:10:30.000Z",
    intervalMs: 30000,
  };
  const raw = async (payloadType: string, payload: Uint8Array): Promise<Uint8Array> =>
    encodeEnvelope({
      payloadType,
      payload: toBase64(payload),
      signatures: [
        { keyid: host.publicKey.keyId, sig: toBase64(await host.sign(pae(payloadType, payload))) },
      ],
    });
  const good = await signHeartbeat(hb, host);
  const goodEnv = JSON.parse(Buffer.from(good).toString()) as {
    payload: string;
    payloadType: string;
    signatures: unknown;
  };
  const tampered = utf8Encode(
    canonicalJson({
      ...goodEnv,
      payload: toBase64(utf8Encode(canonicalJson({ ...hb, host: { ...hb.host, groups: ["web", "db"] } }))),
    }),
  );
  return {
    hostPub: publicKeyPem(host.publicKey.keyObject),
    vectors: [
      {
        file: "running.heartbeat.json",
        bytes: good,
        expect: "verified",
        note: "web-1 running, signed by its host key",
      },
      {
        file: "stopped.heartbeat.json",
        bytes: await signHeartbeat({ ...hb, state: "stopped", lastSeen: "2026-12-07T03:11:02.500Z" }, host),
        expect: "verified",
        note: "the last heartbeat at shutdown",
      },
      {
        file: "other-key.heartbeat.json",
        bytes: await signHeartbeat({ ...hb, host: { ...hb.host, keyId: other.publicKey.keyId } }, other),
        expect: "bad-signature",
        note: "claims web-1, signed by another key (a forged entry)",
      },
      {
        file: "tampered-payload.heartbeat.json",
        bytes: tampered,
        expect: "bad-signature",
        note: "groups changed after signing",
      },
      {
        file: "wrong-payload-type.heartbeat.json",
        bytes: await raw("application/vnd.in-toto+json", utf8Encode(canonicalJson(hb))),
        expect: "INPUT_INVALID",
        note: "payloadType is not application/vnd.sigrun.heartbeat+json",
      },
      {
        file: "extra-field.heartbeat.json",
        bytes: await raw(HEARTBEAT_PAYLOAD_TYPE, utf8Encode(canonicalJson({ ...hb, admin: true }))),
        expect: "INPUT_INVALID",
        note: "unknown field in the heartbeat",
      },
    ],
  };
}
