import { SigrunError } from "../core/index.js";
import { KEY_PURPOSES, type KeyPurpose } from "./trust-store.js";

/**
 * Edits of a trust directory's text files (`sigrun trust add|revoke`), as pure functions: the caller
 * writes the result atomically (temp file in the same dir + fsync + rename), so a crash leaves the old file
 * or the new one, never a torn `revoked` list.
 */

const KEY_ID_RE = /^sha256:[0-9a-f]{64}$/;

/** `revoked` with `keyId` added (kept as is when already listed), a comment line saying when. */
export function revokedWith(existing: string, keyId: string, when: Date): { text: string; added: boolean } {
  if (!KEY_ID_RE.test(keyId))
    throw new SigrunError("USAGE", `key id: expected sha256:<64 hex>, got ${keyId}`);
  const listed = existing
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .includes(keyId);
  if (listed) return { text: existing, added: false };
  const base = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return { text: `${base}# revoked ${when.toISOString()}\n${keyId}\n`, added: true };
}

/** Parses `--purpose bundle,file` (each a known purpose, no repeats). */
export function parsePurposeList(v: string): KeyPurpose[] {
  const out: KeyPurpose[] = [];
  for (const p of v.split(",").map((x) => x.trim())) {
    if (!KEY_PURPOSES.includes(p as KeyPurpose))
      throw new SigrunError(
        "USAGE",
        `--purpose: expected ${KEY_PURPOSES.join(", ")}; got ${JSON.stringify(p)}`,
      );
    if (!out.includes(p as KeyPurpose)) out.push(p as KeyPurpose);
  }
  return out;
}

/** `purposes` with a line for `ref` (a key file name in the dir, or a key id); refuses a second line for it. */
export function purposesWith(existing: string, ref: string, purposes: readonly KeyPurpose[]): string {
  if (!/^[A-Za-z0-9._:-]+$/.test(ref))
    throw new SigrunError("USAGE", `purposes: bad key name ${JSON.stringify(ref)}`);
  const named = existing.split("\n").some((l) => l.replace(/#.*/, "").trim().split(/\s+/)[0] === ref);
  if (named) throw new SigrunError("USAGE", `purposes: ${ref} is already listed; edit the file to change it`);
  const base = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return `${base}${ref} ${purposes.join(",")}\n`;
}
