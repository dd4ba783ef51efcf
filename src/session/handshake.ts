import type { KeyObject } from "node:crypto";
import { randomBytes } from "node:crypto";
import { concatBytes, SigrunError, utf8Encode } from "../core/index.js";
import { cpaceFinish, cpaceStart } from "./cpace.js";
import { hpkeOpen, hpkeSeal } from "./hpke.js";
import {
  decodeJoin,
  decodeSealedPayload,
  encodeJoin,
  encodeSealedPayload,
  type JoinPayload,
  publicKeyHeader,
} from "./join-string.js";
import {
  checkTag,
  decodeSignerHello,
  deriveSessionKeys,
  encodeSignerHello,
  type SessionKeys,
  signerConfirmTag,
  transcriptHash,
} from "./key-schedule.js";
import {
  lvCat,
  sha256,
  x25519,
  x25519Generate,
  x25519PrivateFromRaw,
  x25519PublicRaw,
} from "./primitives.js";

/** 8-byte id of a key-agreement key: SHA-256(SPKI DER)[0..8]. */
export function kexKeyId(kexPublicRaw: Uint8Array): Uint8Array {
  const spki = concatBytes(
    Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]),
    kexPublicRaw,
  );
  return sha256(spki).slice(0, 8);
}

/** 16-byte id of a signing key as carried in a join string: SHA-256(SPKI DER)[0..16]. */
export function signerKeyIdBytes(spkiDer: Uint8Array): Uint8Array {
  return sha256(spkiDer).slice(0, 16);
}

export const CPACE_AD_INITIATOR = utf8Encode("sigrun initiator");
export const CPACE_AD_SIGNER = utf8Encode("sigrun signer");

/** CPace channel identifier: protocol label, relay url, routing id and both role names. */
export function cpaceChannelId(relay: string, routingId: Uint8Array): Uint8Array {
  return lvCat(
    utf8Encode("sigrun-session-v1"),
    utf8Encode(relay),
    routingId,
    utf8Encode("A_initiator"),
    utf8Encode("B_signer"),
  );
}

export interface InitiatorHandshake {
  readonly joinBytes: Uint8Array;
  /** Checks the signer's hello (relay `peer_joined` context) and returns the session keys. */
  finish(signerHello: Uint8Array): SessionKeys;
}

export interface Deterministic {
  /** Initiator ephemeral X25519 private key (raw), HPKE ikmE, CPace scalar and sid: test vectors only. */
  readonly ephemeral?: Uint8Array;
  readonly ikmE?: Uint8Array;
  readonly scalar?: Uint8Array;
  readonly sid?: Uint8Array;
}

export async function initiatePublicKey(
  signerKex: Uint8Array,
  payload: JoinPayload,
  det: Deterministic = {},
): Promise<InitiatorHandshake> {
  const eph = det.ephemeral === undefined ? x25519Generate().privateKey : x25519PrivateFromRaw(det.ephemeral);
  const header = publicKeyHeader(kexKeyId(signerKex));
  const plaintext = encodeSealedPayload({ ...payload, initiatorEphemeral: x25519PublicRaw(eph) });
  const sealed = await hpkeSeal(signerKex, plaintext, header, undefined, det.ikmE);
  const joinBytes = encodeJoin({
    mode: "public-key",
    kexKeyId: kexKeyId(signerKex),
    enc: sealed.enc,
    ciphertext: sealed.ciphertext,
  });
  return {
    joinBytes,
    finish(helloBytes) {
      const hello = decodeSignerHello(helloBytes);
      const dh = x25519(eph, hello.share);
      const keys = deriveSessionKeys(
        concatBytes(dh, sealed.exported),
        transcriptHash(joinBytes, hello.share),
      );
      checkTag(signerConfirmTag(keys), hello.tag, "signer");
      return keys;
    },
  };
}

export function initiateSharedSecret(
  secret: Uint8Array,
  payload: JoinPayload,
  det: Deterministic = {},
): InitiatorHandshake {
  if (secret.byteLength === 0) throw new SigrunError("USAGE", "shared secret: must not be empty");
  const sid = det.sid ?? new Uint8Array(randomBytes(16));
  const inputs = { prs: secret, ci: cpaceChannelId(payload.relay, payload.routingId), sid };
  const a = cpaceStart(inputs, det.scalar);
  const joinBytes = encodeJoin({ mode: "shared-secret", ...payload, sid, share: a.share });
  return {
    joinBytes,
    finish(helloBytes) {
      const hello = decodeSignerHello(helloBytes);
      const ikm = cpaceFinish(
        inputs,
        a.scalar,
        hello.share,
        a.share,
        CPACE_AD_INITIATOR,
        hello.share,
        CPACE_AD_SIGNER,
      );
      const keys = deriveSessionKeys(ikm, transcriptHash(joinBytes, hello.share));
      checkTag(signerConfirmTag(keys), hello.tag, "signer");
      return keys;
    },
  };
}

export interface OpenedJoin {
  readonly mode: "public-key" | "shared-secret";
  readonly payload: JoinPayload;
  readonly joinBytes: Uint8Array;
}

/** What the signer needs to open a join string: its key-agreement key and/or the shared secret. */
export interface SignerSecrets {
  readonly kexKey?: KeyObject;
  readonly secret?: Uint8Array;
}

export interface SignerHandshake extends OpenedJoin {
  /** Creates the signer's hello and the session keys (call once, after review of the payload). */
  respond(det?: { ephemeral?: Uint8Array; scalar?: Uint8Array }): { hello: Uint8Array; keys: SessionKeys };
}

/** Decodes and (in public-key mode) decrypts a join string. Does not contact anyone. */
export async function openJoin(
  joinBytes: Uint8Array,
  secrets: SignerSecrets,
  now: number,
): Promise<SignerHandshake> {
  const join = decodeJoin(joinBytes);
  if (join.mode === "public-key") {
    if (secrets.kexKey === undefined)
      throw new SigrunError("USAGE", "join string is in public-key mode: give --kex-key");
    const ownId = kexKeyId(x25519PublicRaw(secrets.kexKey));
    if (Buffer.compare(Buffer.from(ownId), Buffer.from(join.kexKeyId)) !== 0)
      throw new SigrunError("HANDSHAKE_FAILED", "join string: sealed to a different key agreement key");
    const opened = await hpkeOpen(secrets.kexKey, join.enc, join.ciphertext, publicKeyHeader(join.kexKeyId));
    const sealed = decodeSealedPayload(opened.plaintext);
    checkExpiry(sealed.expiry, now);
    const { initiatorEphemeral, ...payload } = sealed;
    return {
      mode: "public-key",
      payload,
      joinBytes,
      respond(det = {}) {
        const eph =
          det.ephemeral === undefined ? x25519Generate().privateKey : x25519PrivateFromRaw(det.ephemeral);
        const share = x25519PublicRaw(eph);
        const dh = x25519(eph, initiatorEphemeral);
        const keys = deriveSessionKeys(concatBytes(dh, opened.exported), transcriptHash(joinBytes, share));
        return { hello: encodeSignerHello({ share, tag: signerConfirmTag(keys) }), keys };
      },
    };
  }
  if (secrets.secret === undefined)
    throw new SigrunError(
      "USAGE",
      "join string is in shared-secret mode: give --shared-secret-env or --shared-secret-file",
    );
  const secret = secrets.secret;
  checkExpiry(join.expiry, now);
  const { mode: _m, sid, share: ya, ...payload } = join;
  return {
    mode: "shared-secret",
    payload,
    joinBytes,
    respond(det = {}) {
      const inputs = { prs: secret, ci: cpaceChannelId(payload.relay, payload.routingId), sid };
      const b = cpaceStart(inputs, det.scalar);
      const ikm = cpaceFinish(inputs, b.scalar, ya, ya, CPACE_AD_INITIATOR, b.share, CPACE_AD_SIGNER);
      const keys = deriveSessionKeys(ikm, transcriptHash(joinBytes, b.share));
      return { hello: encodeSignerHello({ share: b.share, tag: signerConfirmTag(keys) }), keys };
    },
  };
}

function checkExpiry(expiry: number, now: number): void {
  if (now >= expiry)
    throw new SigrunError(
      "SESSION_EXPIRED",
      `join string: expired at ${new Date(expiry * 1000).toISOString()}`,
    );
}
