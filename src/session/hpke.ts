import type { KeyObject } from "node:crypto";
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { SigrunError, utf8Encode } from "../core/index.js";
import { PROTOCOL_LABEL } from "./key-schedule.js";
import { x25519PublicRaw } from "./primitives.js";

/** HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305. */
export const HPKE_INFO = utf8Encode(`${PROTOCOL_LABEL} join`);
export const HPKE_EXPORT_CONTEXT = utf8Encode(`${PROTOCOL_LABEL} exporter`);

export function hpkeSuite(): CipherSuite {
  return new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
}

export interface HpkeSealed {
  readonly enc: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly exported: Uint8Array;
}

/** Seals `plaintext` to `recipient` (raw X25519). `ikmE` makes the encapsulation deterministic (vectors only). */
export async function hpkeSeal(
  recipient: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
  info: Uint8Array = HPKE_INFO,
  ikmE?: Uint8Array,
): Promise<HpkeSealed> {
  const suite = hpkeSuite();
  const recipientPublicKey = await suite.kem.importKey("raw", recipient, true);
  const ctx = await suite.createSenderContext({
    recipientPublicKey,
    info,
    ...(ikmE === undefined ? {} : { ekm: ikmE }),
  });
  const ciphertext = new Uint8Array(await ctx.seal(plaintext, aad));
  const exported = new Uint8Array(await ctx.export(HPKE_EXPORT_CONTEXT, 32));
  return { enc: new Uint8Array(ctx.enc), ciphertext, exported };
}

export async function hpkeOpen(
  recipientKey: KeyObject,
  enc: Uint8Array,
  ciphertext: Uint8Array,
  aad: Uint8Array,
  info: Uint8Array = HPKE_INFO,
): Promise<{ plaintext: Uint8Array; exported: Uint8Array }> {
  const suite = hpkeSuite();
  const jwk = recipientKey.export({ format: "jwk" });
  if (jwk.crv !== "X25519" || typeof jwk.d !== "string")
    throw new SigrunError("KEY_INVALID", "key agreement key: expected an x25519 private key");
  const publicRaw = x25519PublicRaw(recipientKey);
  try {
    const privateKey = await suite.kem.importKey(
      "jwk",
      { ...jwk, x: Buffer.from(publicRaw).toString("base64url") },
      false,
    );
    const publicKey = await suite.kem.importKey("raw", publicRaw, true);
    const ctx = await suite.createRecipientContext({ recipientKey: { privateKey, publicKey }, enc, info });
    const plaintext = new Uint8Array(await ctx.open(ciphertext, aad));
    const exported = new Uint8Array(await ctx.export(HPKE_EXPORT_CONTEXT, 32));
    return { plaintext, exported };
  } catch (err) {
    throw new SigrunError(
      "HANDSHAKE_FAILED",
      "join string: cannot open the sealed payload with this key agreement key",
      {
        cause: err,
      },
    );
  }
}
