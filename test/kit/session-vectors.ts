// Generator of the session vectors: `npm run vectors` runs this file; tests import computeSessionVectors.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { toHex, utf8Encode } from "../../src/core/index.js";
import { Channel } from "../../src/session/channel.js";
import { initiatePublicKey, initiateSharedSecret, openJoin } from "../../src/session/handshake.js";
import { joinToLine, joinToPem } from "../../src/session/join-string.js";
import { initiatorConfirmTag, type SessionKeys } from "../../src/session/key-schedule.js";
import { x25519PrivateFromRaw, x25519PublicRaw } from "../../src/session/primitives.js";

/**
 * Computes vectors/session/session-v1.json (join strings in both modes, the key schedule and frames) from
 * fixed inputs. Only `npm run vectors` writes the file (review the diff!); the test compares against the
 * committed copy and fails when it is missing.
 */
export const SESSION_VECTORS_FILE = "vectors/session/session-v1.json";
const fill = (b: number, n = 32) => new Uint8Array(n).fill(b);

const INPUTS = {
  signerKexPrivate: fill(0x11),
  initiatorEphemeral: fill(0x44),
  hpkeIkmE: fill(0x55),
  signerEphemeral: fill(0x66),
  sharedSecret: "correct horse battery staple",
  cpaceSid: fill(0x77, 16),
  cpaceScalarA: Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 0x08 : 0xa0 + i)),
  cpaceScalarB: Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 0x09 : 0x30 + i)),
  payload: {
    relay: "wss://relay.example/v1",
    routingId: fill(0x33, 16),
    expiry: 1900000000,
    signerKeyId: fill(0x22, 16),
    maxSignatures: 10,
    context: "acme/app run 42 commit 0123abc",
  },
};

function keysHex(k: SessionKeys): Record<string, string> {
  return Object.fromEntries(Object.entries(k).map(([n, v]) => [n, toHex(v as Uint8Array)]));
}

function frames(keys: SessionKeys): Record<string, string>[] {
  const i = new Channel(keys, "initiator");
  const s = new Channel(keys, "signer");
  const out: Record<string, string>[] = [];
  const push = (from: string, type: "confirm" | "ready" | "request" | "response", pt: Uint8Array) => {
    const f = (from === "initiator" ? i : s).seal(type, pt);
    const opened = (from === "initiator" ? s : i).open(f);
    assert.deepEqual(opened.plaintext, pt);
    out.push({ from, type, plaintext: toHex(pt), frame: toHex(f) });
  };
  push("initiator", "confirm", initiatorConfirmTag(keys));
  push("signer", "ready", utf8Encode("ready"));
  push("initiator", "request", utf8Encode("request 1"));
  push("signer", "response", utf8Encode("response 1"));
  push("initiator", "request", utf8Encode("request 2"));
  return out;
}

export async function computeSessionVectors(): Promise<Record<string, unknown>> {
  const kex = x25519PrivateFromRaw(INPUTS.signerKexPrivate);
  const kexPub = x25519PublicRaw(kex);
  const pk = await initiatePublicKey(kexPub, INPUTS.payload, {
    ephemeral: INPUTS.initiatorEphemeral,
    ikmE: INPUTS.hpkeIkmE,
  });
  const opened = await openJoin(pk.joinBytes, { kexKey: kex }, 1_800_000_000);
  const resp = opened.respond({ ephemeral: INPUTS.signerEphemeral });
  const pkKeys = pk.finish(resp.hello);
  assert.deepEqual(pkKeys, resp.keys);

  const secret = utf8Encode(INPUTS.sharedSecret);
  const ss = initiateSharedSecret(secret, INPUTS.payload, {
    sid: INPUTS.cpaceSid,
    scalar: INPUTS.cpaceScalarA,
  });
  const ssOpened = await openJoin(ss.joinBytes, { secret }, 1_800_000_000);
  const ssResp = ssOpened.respond({ scalar: INPUTS.cpaceScalarB });
  const ssKeys = ss.finish(ssResp.hello);
  assert.deepEqual(ssKeys, ssResp.keys);

  return {
    description: "sigrun session v1 vectors (docs/spec/session.md). All byte values lower-case hex.",
    inputs: {
      signerKexPrivate: toHex(INPUTS.signerKexPrivate),
      signerKexPublic: toHex(kexPub),
      initiatorEphemeral: toHex(INPUTS.initiatorEphemeral),
      hpkeIkmE: toHex(INPUTS.hpkeIkmE),
      signerEphemeral: toHex(INPUTS.signerEphemeral),
      sharedSecretUtf8: INPUTS.sharedSecret,
      cpaceSid: toHex(INPUTS.cpaceSid),
      cpaceScalarA: toHex(INPUTS.cpaceScalarA),
      cpaceScalarB: toHex(INPUTS.cpaceScalarB),
      payload: {
        ...INPUTS.payload,
        routingId: toHex(INPUTS.payload.routingId),
        signerKeyId: toHex(INPUTS.payload.signerKeyId),
      },
      now: 1_800_000_000,
    },
    publicKey: {
      joinBytes: toHex(pk.joinBytes),
      joinLine: joinToLine(pk.joinBytes),
      joinPem: joinToPem(pk.joinBytes),
      signerHello: toHex(resp.hello),
      keys: keysHex(pkKeys),
      frames: frames(pkKeys),
    },
    sharedSecret: {
      joinBytes: toHex(ss.joinBytes),
      joinLine: joinToLine(ss.joinBytes),
      signerHello: toHex(ssResp.hello),
      keys: keysHex(ssKeys),
      frames: frames(ssKeys),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SESSION_VECTORS_FILE, `${JSON.stringify(await computeSessionVectors(), null, 2)}\n`);
  process.stdout.write(`wrote ${SESSION_VECTORS_FILE}\n`);
}
