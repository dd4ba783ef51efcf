import { createHash, createPublicKey, type KeyObject, randomBytes } from "node:crypto";
import { SigrunError } from "../core/index.js";
import { sshPublicBlob } from "../keys/index.js";
import { decodeRawBase64, encodeRawBase64 } from "./encoding.js";
import type { Stanza } from "./header.js";
import { aeadSealZeroNonce, hkdf, x25519, x25519Base } from "./primitives.js";
import type { SealIdentity, SealRecipient } from "./types.js";
import { FILE_KEY_SIZE, openWrappedFileKey } from "./x25519.js";

// The `ssh-ed25519` recipient type of the age reference implementation (filippo.io/age/agessh), which
// `age -R ~/.ssh/id_ed25519.pub` uses: the Ed25519 key converted to its birational X25519 form, a tweak
// derived from the SSH key, then the X25519 recipient construction with its own HKDF label.

const LABEL = "age-encryption.org/v1/ssh-ed25519";

function tag(sshBlob: Uint8Array): string {
  return encodeRawBase64(createHash("sha256").update(sshBlob).digest().subarray(0, 4));
}

function rawEd25519Public(key: KeyObject): Uint8Array {
  const x = key.export({ format: "jwk" }).x;
  return new Uint8Array(Buffer.from(x ?? "", "base64url"));
}

/** The birational X25519 form of an Ed25519 public key (noble is loaded only when needed: ~100 ms). */
async function montgomeryOf(edPublic: Uint8Array): Promise<Uint8Array> {
  const { ed25519 } = await import("@noble/curves/ed25519.js");
  try {
    return ed25519.utils.toMontgomery(edPublic);
  } catch (err) {
    throw new SigrunError("KEY_INVALID", "ssh-ed25519: public key is not a valid point", { cause: err });
  }
}

/** An age `ssh-ed25519` recipient for an Ed25519 public key (as from an OpenSSH `.pub` line). */
export function sshEd25519Recipient(publicKey: KeyObject): SealRecipient {
  if (publicKey.asymmetricKeyType !== "ed25519")
    throw new SigrunError("KEY_UNSUPPORTED", "ssh recipient: only ssh-ed25519 keys are supported");
  const { blob } = sshPublicBlob(publicKey);
  const edPublic = rawEd25519Public(publicKey);
  const tweak = hkdf(new Uint8Array(0), blob, LABEL);
  const fp = createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
  return {
    label: `ssh-ed25519 SHA256:${fp}`,
    async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
      const theirs = await montgomeryOf(edPublic);
      const ephemeral = new Uint8Array(randomBytes(32));
      const share = x25519Base(ephemeral);
      const shared = x25519(tweak, x25519(ephemeral, theirs));
      const wrapKey = hkdf(shared, new Uint8Array(Buffer.concat([share, theirs])), LABEL);
      return [
        {
          type: "ssh-ed25519",
          args: [tag(blob), encodeRawBase64(share)],
          body: aeadSealZeroNonce(wrapKey, fileKey),
        },
      ];
    },
  };
}

/** An age `ssh-ed25519` identity from an Ed25519 private key (as from an OpenSSH private key file). */
export function sshEd25519Identity(privateKey: KeyObject): SealIdentity {
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new SigrunError("KEY_UNSUPPORTED", "ssh identity: only ssh-ed25519 keys are supported");
  const seed = new Uint8Array(Buffer.from(privateKey.export({ format: "jwk" }).d ?? "", "base64url"));
  const secret = new Uint8Array(createHash("sha512").update(seed).digest().subarray(0, 32));
  const ours = x25519Base(secret);
  const { blob } = sshPublicBlob(createPublicKey(privateKey));
  const ourTag = tag(blob);
  const tweak = hkdf(new Uint8Array(0), blob, LABEL);
  return {
    label: "ssh-ed25519 identity",
    unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null {
      for (const s of stanzas) {
        if (s.type !== "ssh-ed25519") continue;
        if (s.args.length !== 2)
          throw new SigrunError("SEAL_MALFORMED", "ssh-ed25519 stanza: expected 2 arguments");
        const share = decodeRawBase64(s.args[1]!, "ssh-ed25519 share");
        if (share.byteLength !== 32)
          throw new SigrunError("SEAL_MALFORMED", "ssh-ed25519 stanza: share is not 32 bytes");
        if (s.args[0] !== ourTag) continue;
        if (s.body.byteLength !== FILE_KEY_SIZE + 16)
          throw new SigrunError("SEAL_MALFORMED", "ssh-ed25519 stanza: wrapped file key is not 32 bytes");
        const shared = x25519(tweak, x25519(secret, share));
        const wrapKey = hkdf(shared, new Uint8Array(Buffer.concat([share, ours])), LABEL);
        const fileKey = openWrappedFileKey(wrapKey, s.body, "ssh-ed25519");
        if (fileKey !== null) return fileKey;
      }
      return null;
    },
  };
}
