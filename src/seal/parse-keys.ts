import { createPublicKey, type KeyObject } from "node:crypto";
import { SigrunError, utf8Decode } from "../core/index.js";
import { parseOpenSshPublicKey, parsePrivateKey } from "../keys/index.js";
import { sshEd25519Identity, sshEd25519Recipient } from "./ssh-ed25519.js";
import type { SealIdentity, SealRecipient } from "./types.js";
import { decodeAgeIdentity, decodeAgeRecipient, x25519Identity, x25519Recipient } from "./x25519.js";

const MAX_KEY_FILE = 1024 * 1024;

function rawX25519(key: KeyObject, part: "x" | "d"): Uint8Array {
  const v = key.export({ format: "jwk" })[part];
  return new Uint8Array(Buffer.from(v ?? "", "base64url"));
}

/** A recipient from a node KeyObject: X25519 public (or private) key, or Ed25519 (as ssh-ed25519). */
export function recipientFromKey(key: KeyObject): SealRecipient {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType === "x25519") return x25519Recipient(rawX25519(pub, "x"));
  if (pub.asymmetricKeyType === "ed25519") return sshEd25519Recipient(pub);
  throw new SigrunError("KEY_UNSUPPORTED", `seal recipient: unsupported key type ${pub.asymmetricKeyType}`);
}

/** An identity from a node private KeyObject: X25519, or Ed25519 (the ssh-ed25519 recipient type). */
export function identityFromKey(key: KeyObject): SealIdentity {
  if (key.type !== "private") throw new SigrunError("KEY_INVALID", "seal identity: expected a private key");
  if (key.asymmetricKeyType === "x25519") return x25519Identity(rawX25519(key, "d"));
  if (key.asymmetricKeyType === "ed25519") return sshEd25519Identity(key);
  throw new SigrunError("KEY_UNSUPPORTED", `seal identity: unsupported key type ${key.asymmetricKeyType}`);
}

/**
 * Parses one recipient: `age1…` (X25519), `ssh-ed25519 AAAA… [comment]`, or a PEM `PUBLIC KEY` block
 * holding an X25519 key (`sigrun keygen --type x25519`).
 */
export function parseRecipient(text: string): SealRecipient {
  const s = text.trim();
  if (s.startsWith("age1pq1") || s.startsWith("age1tag"))
    throw new SigrunError(
      "KEY_UNSUPPORTED",
      "seal recipient: post-quantum and tag recipients are not supported",
    );
  if (s.startsWith("age1")) return x25519Recipient(decodeAgeRecipient(s));
  if (s.startsWith("ssh-ed25519 ")) return sshEd25519Recipient(parseOpenSshPublicKey(s));
  if (s.startsWith("ssh-"))
    throw new SigrunError("KEY_UNSUPPORTED", "seal recipient: only ssh-ed25519 SSH keys");
  if (s.startsWith("-----BEGIN PUBLIC KEY-----")) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: s, format: "pem" });
    } catch (err) {
      throw new SigrunError("KEY_INVALID", "seal recipient: cannot parse PEM public key", { cause: err });
    }
    if (key.asymmetricKeyType !== "x25519")
      throw new SigrunError("KEY_UNSUPPORTED", "seal recipient: PEM public keys must be X25519");
    return recipientFromKey(key);
  }
  throw new SigrunError(
    "KEY_INVALID",
    "seal recipient: expected age1…, ssh-ed25519 … or a PEM X25519 public key",
  );
}

/**
 * Parses a recipients file (as `age -R`): one recipient per line, `#` comments and blank lines ignored;
 * PEM `PUBLIC KEY` blocks are also accepted.
 */
export function parseRecipientsFile(data: Uint8Array, source = "recipients file"): SealRecipient[] {
  if (data.byteLength > MAX_KEY_FILE) throw new SigrunError("KEY_INVALID", `${source}: larger than 1 MiB`);
  const lines = utf8Decode(data, source).split(/\r?\n/);
  const out: SealRecipient[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line === "-----BEGIN PUBLIC KEY-----") {
      const end = lines.findIndex((l, j) => j > i && l.trim() === "-----END PUBLIC KEY-----");
      if (end < 0) throw new SigrunError("KEY_INVALID", `${source}: unterminated PEM block at line ${i + 1}`);
      out.push(parseRecipient(lines.slice(i, end + 1).join("\n")));
      i = end;
      continue;
    }
    try {
      out.push(parseRecipient(line));
    } catch (err) {
      if (err instanceof SigrunError)
        throw new SigrunError(err.code, `${source}, line ${i + 1}: ${err.message}`);
      throw err;
    }
  }
  if (out.length === 0) throw new SigrunError("KEY_INVALID", `${source}: no recipients`);
  return out;
}

/**
 * Parses an identity file: an age identity file (`AGE-SECRET-KEY-1…` lines, `#` comments), a PKCS#8
 * X25519 private key (`sigrun keygen --type x25519`), or an OpenSSH ed25519 private key (ssh-ed25519
 * stanzas). `passphrase` only for encrypted PEM/OpenSSH keys.
 */
export function parseIdentityFile(
  data: Uint8Array,
  source = "identity file",
  passphrase?: string,
): SealIdentity[] {
  if (data.byteLength > MAX_KEY_FILE) throw new SigrunError("KEY_INVALID", `${source}: larger than 1 MiB`);
  const text = utf8Decode(data, source);
  if (text.includes("PRIVATE KEY-----")) return [identityFromKey(parsePrivateKey(data, passphrase, source))];
  const out: SealIdentity[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("AGE-SECRET-KEY-PQ-1"))
      throw new SigrunError(
        "KEY_UNSUPPORTED",
        `${source}, line ${i + 1}: post-quantum identities are not supported`,
      );
    if (!line.startsWith("AGE-SECRET-KEY-1"))
      throw new SigrunError("KEY_INVALID", `${source}, line ${i + 1}: expected AGE-SECRET-KEY-1…`);
    out.push(x25519Identity(decodeAgeIdentity(line)));
  }
  if (out.length === 0) throw new SigrunError("KEY_INVALID", `${source}: no identities`);
  return out;
}
