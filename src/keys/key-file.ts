import { createPublicKey, type KeyObject } from "node:crypto";
import { SigrunError, utf8Decode } from "../core/index.js";
import { keyFingerprints } from "./fingerprints.js";
import { keyIdFromSpki, shortKeyId } from "./key-id.js";
import { isOpenPgpPublicKey, openPgpCertPrimaryKey } from "./openpgp.js";
import { parsePrivateKey } from "./private-key.js";
import { parsePublicKey } from "./public-key.js";

export interface KeyFileFacts {
  readonly kind: "public" | "private";
  /** node's asymmetricKeyType plus curve: ed25519, x25519, p256, p384, rsa. */
  readonly type: string;
  readonly keyId: string;
  readonly shortKeyId: string;
  /** `SHA256:…` as `ssh-keygen -l` prints it (keys SSH can hold). */
  readonly openssh?: string;
  /** OpenPGP v4 fingerprint (see `keyFingerprints`). */
  readonly openpgp?: string;
}

function typeName(k: KeyObject): string {
  const t = k.asymmetricKeyType ?? "unknown";
  if (t === "ec") {
    const c = k.asymmetricKeyDetails?.namedCurve;
    return c === "prime256v1" ? "p256" : c === "secp384r1" ? "p384" : `ec-${c}`;
  }
  if (t === "rsa") return `rsa${k.asymmetricKeyDetails?.modulusLength ?? ""}`;
  return t;
}

function facts(kind: "public" | "private", pub: KeyObject, source?: Uint8Array): KeyFileFacts {
  const keyId = keyIdFromSpki(new Uint8Array(pub.export({ format: "der", type: "spki" })));
  return { kind, type: typeName(pub), keyId, shortKeyId: shortKeyId(keyId), ...keyFingerprints(pub, source) };
}

/**
 * Describes any key file sigrun reads: private (PKCS#8, traditional PEM, OpenSSH), public (SPKI PEM,
 * certificate, OpenSSH .pub, OpenPGP certificate → its primary key). Also accepts X25519 keys.
 */
export async function describeKeyFile(
  data: Uint8Array,
  passphrase?: string,
  source = "key",
): Promise<KeyFileFacts> {
  if (isOpenPgpPublicKey(data)) return facts("public", (await openPgpCertPrimaryKey(data)).keyObject, data);
  const head = data[0] === 0x30 ? "" : utf8Decode(data.subarray(0, Math.min(data.byteLength, 65536)), source);
  if (head.includes("PRIVATE KEY-----")) {
    return facts("private", createPublicKey(parsePrivateKey(data, passphrase, source)));
  }
  if (/^\s*-----BEGIN PUBLIC KEY-----/.test(head)) {
    try {
      return facts("public", createPublicKey({ key: head, format: "pem" }));
    } catch (err) {
      throw new SigrunError("KEY_INVALID", `${source}: cannot parse public key`, { cause: err });
    }
  }
  return facts("public", parsePublicKey(data, source).keyObject);
}
