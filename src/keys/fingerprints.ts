import { createHash, type KeyObject } from "node:crypto";
import { toHex } from "../core/index.js";
import { isOpenPgpPublicKey } from "./openpgp.js";
import { dearmor } from "./openpgp-armor.js";
import { publicKeyBody, readPackets, TAG_PUBLIC_KEY, v4Fingerprint } from "./openpgp-packets.js";
import { sshPublicBlob } from "./openssh-public.js";

/** The identities other tools show for one key, so people can match them (`sigrun key id`). */
export interface KeyFingerprints {
  /** `SHA256:…` exactly as `ssh-keygen -l` prints it; absent for keys SSH cannot hold (x25519). */
  readonly openssh?: string;
  /**
   * The OpenPGP v4 fingerprint (40 hex digits, upper case, as `gpg --with-colons` prints it): of the
   * certificate's primary key when the input is an OpenPGP certificate, else of the key packet
   * `sigrun key export --format openpgp` writes (creation time 0).
   */
  readonly openpgp?: string;
}

const attempt = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

export function keyFingerprints(pub: KeyObject, source?: Uint8Array): KeyFingerprints {
  const openssh = attempt(() => {
    const digest = createHash("sha256").update(sshPublicBlob(pub).blob).digest("base64");
    return `SHA256:${digest.replace(/=+$/, "")}`;
  });
  const openpgp = attempt(() => {
    if (source !== undefined && isOpenPgpPublicKey(source)) {
      const first = readPackets(dearmor(source, "PUBLIC KEY BLOCK"), 4096)[0];
      if (first?.tag === TAG_PUBLIC_KEY) return toHex(v4Fingerprint(first.body)).toUpperCase();
      return undefined;
    }
    return toHex(v4Fingerprint(publicKeyBody(pub, 0))).toUpperCase();
  });
  return { ...(openssh ? { openssh } : {}), ...(openpgp ? { openpgp } : {}) };
}
