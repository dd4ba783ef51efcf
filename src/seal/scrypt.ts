import { randomBytes, scrypt } from "node:crypto";
import { SigrunError } from "../core/index.js";
import { decodeRawBase64, encodeRawBase64 } from "./encoding.js";
import type { Stanza } from "./header.js";
import { aeadSealZeroNonce } from "./primitives.js";
import type { SealIdentity, SealRecipient } from "./types.js";
import { FILE_KEY_SIZE, openWrappedFileKey } from "./x25519.js";

// The age scrypt (passphrase) recipient type: wrap key = scrypt(N = 2^logN, r = 8, p = 1, dkLen = 32,
// S = "age-encryption.org/v1/scrypt" || salt, P = passphrase).

const LABEL = "age-encryption.org/v1/scrypt";
export const DEFAULT_SCRYPT_LOG_N = 18;
/** Work factors above this are refused when decrypting (age's default limit too). */
export const MAX_SCRYPT_LOG_N = 22;

function deriveKey(passphrase: string, salt: Uint8Array, logN: number): Promise<Uint8Array> {
  const s = Buffer.concat([Buffer.from(LABEL, "latin1"), salt]);
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(passphrase, s, 32, { N, r: 8, p: 1, maxmem: 128 * N * 8 + 1024 * 1024 }, (err, key) =>
      err
        ? reject(new SigrunError("SEAL_ERROR", "scrypt failed", { cause: err }))
        : resolve(new Uint8Array(key)),
    );
  });
}

/** A passphrase recipient. An scrypt stanza must be the only stanza of a file. */
export function scryptRecipient(passphrase: string, logN = DEFAULT_SCRYPT_LOG_N): SealRecipient {
  if (!Number.isInteger(logN) || logN < 1 || logN > 30)
    throw new SigrunError("USAGE", `scrypt work factor: expected 1..30, got ${logN}`);
  return {
    label: "scrypt",
    async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
      const salt = new Uint8Array(randomBytes(16));
      const key = await deriveKey(passphrase, salt, logN);
      return [
        {
          type: "scrypt",
          args: [encodeRawBase64(salt), String(logN)],
          body: aeadSealZeroNonce(key, fileKey),
        },
      ];
    },
  };
}

export function scryptIdentity(passphrase: string, maxLogN = MAX_SCRYPT_LOG_N): SealIdentity {
  return {
    label: "passphrase",
    async unwrapFileKey(stanzas: readonly Stanza[]): Promise<Uint8Array | null> {
      const s = stanzas.find((x) => x.type === "scrypt");
      if (s === undefined) return null;
      if (stanzas.length !== 1)
        throw new SigrunError("SEAL_MALFORMED", "scrypt stanza must be the only stanza");
      if (s.args.length !== 2) throw new SigrunError("SEAL_MALFORMED", "scrypt stanza: expected 2 arguments");
      const salt = decodeRawBase64(s.args[0]!, "scrypt salt");
      if (salt.byteLength !== 16)
        throw new SigrunError("SEAL_MALFORMED", "scrypt stanza: salt is not 16 bytes");
      if (!/^[1-9][0-9]*$/.test(s.args[1]!))
        throw new SigrunError("SEAL_MALFORMED", "scrypt stanza: work factor is not a decimal number");
      const logN = Number(s.args[1]);
      if (logN > maxLogN)
        throw new SigrunError(
          "SEAL_MALFORMED",
          `scrypt stanza: work factor ${logN} above the limit ${maxLogN}`,
        );
      if (s.body.byteLength !== FILE_KEY_SIZE + 16)
        throw new SigrunError("SEAL_MALFORMED", "scrypt stanza: wrapped file key is not 32 bytes");
      return openWrappedFileKey(await deriveKey(passphrase, salt, logN), s.body, "scrypt");
    },
  };
}
