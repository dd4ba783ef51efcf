import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../core/errors.js";
// single modules, not the keys barrel: `sigrun verify` loads what it runs (start-up time)
import { parsePublicKey } from "../keys/public-key.js";
import type { PublicKeyInfo } from "../keys/types.js";

/** What a signature by a trusted key may authorize (see docs/spec/bundle.md, "Key purposes"). */
export type KeyPurpose = "bundle" | "file" | "receipt" | "attestation";
export const KEY_PURPOSES: readonly KeyPurpose[] = ["bundle", "file", "receipt", "attestation"];

/** Trusted public keys by key id, revoked key ids, and the default signature threshold. */
export interface TrustStore {
  readonly keys: ReadonlyMap<string, PublicKeyInfo>;
  readonly revoked: ReadonlySet<string>;
  readonly threshold: number;
  /**
   * Key id → the purposes it is trusted for, from a `purposes` file. Undefined (no file): every key is
   * trusted for every purpose. With a file, a key it does not list is trusted for nothing.
   */
  readonly purposes?: ReadonlyMap<string, ReadonlySet<KeyPurpose>>;
}

/**
 * Signatures by distinct trusted keys a bundle needs: the larger of the caller's `threshold` (agent.json,
 * `--threshold`) and the trust store's `threshold` file, so configuration can raise it, never lower it.
 */
export function requiredSignatures(trust: TrustStore, threshold?: number): number {
  if (threshold !== undefined && (!Number.isSafeInteger(threshold) || threshold < 1))
    throw new SigrunError("USAGE", "threshold: expected a positive integer");
  return Math.max(threshold ?? 1, trust.threshold);
}

/** The trusted key with this id if it may sign for `purpose` (revocation is checked separately). */
export function trustedKey(trust: TrustStore, keyId: string, purpose: KeyPurpose): PublicKeyInfo | undefined {
  const key = trust.keys.get(keyId);
  if (key === undefined) return undefined;
  if (trust.purposes !== undefined && trust.purposes.get(keyId)?.has(purpose) !== true) return undefined;
  return key;
}

const KEY_FILE_RE = /\.(pem|pub|crt)$/;
const MAX_TRUST_FILES = 1000;

/**
 * Loads a trust store from key files and directories. A directory holds public keys (`*.pem`, `*.pub`,
 * `*.crt`: SPKI PEM, X.509 certificate, OpenSSH public key), optionally a `revoked` file (one key id per
 * line, `#` comments), a `threshold` file (one integer) and a `purposes` file (see parsePurposes). Revoked keys stay known so that a signature
 * by one is reported as SIGNER_REVOKED rather than untrusted. A path `-` is one key file read from stdin.
 */
export function loadTrustStore(paths: readonly string[]): TrustStore {
  const keys = new Map<string, PublicKeyInfo>();
  const revoked = new Set<string>();
  let threshold = 1;
  const byFile = new Map<string, string>();
  const purposeLines: Array<{ file: string; line: string; dir: string }> = [];
  const addKey = (file: string): void => {
    const info = parsePublicKey(readFile(file), file);
    keys.set(info.keyId, info);
    byFile.set(file, info.keyId);
  };
  for (const p of paths) {
    if (p === "-") {
      addKey(p); // one key file on stdin (the CLI's `--trust -`)
      continue;
    }
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (err) {
      throw new SigrunError(
        "TRUST_STORE_INVALID",
        `trust ${p}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
        { cause: err },
      );
    }
    if (!st.isDirectory()) {
      addKey(p);
      continue;
    }
    const names = readdirSync(p).sort();
    if (names.length > MAX_TRUST_FILES)
      throw new SigrunError("TRUST_STORE_INVALID", `trust ${p}: more than ${MAX_TRUST_FILES} files`);
    for (const name of names) {
      const file = join(p, name);
      if (name === "revoked") {
        for (const id of parseLines(readFile(file))) {
          if (!/^sha256:[0-9a-f]{64}$/.test(id))
            throw new SigrunError("TRUST_STORE_INVALID", `${file}: bad key id ${JSON.stringify(id)}`);
          revoked.add(id);
        }
      } else if (name === "threshold") {
        const lines = parseLines(readFile(file));
        if (lines.length !== 1 || !/^[1-9]\d{0,2}$/.test(lines[0]!)) {
          throw new SigrunError("TRUST_STORE_INVALID", `${file}: expected one positive integer`);
        }
        threshold = Number(lines[0]);
      } else if (name === "purposes") {
        for (const line of parseLines(readFile(file))) purposeLines.push({ file, line, dir: p });
      } else if (KEY_FILE_RE.test(name) && statSync(file).isFile()) {
        addKey(file);
      }
    }
  }
  if (keys.size === 0) throw new SigrunError("TRUST_STORE_INVALID", "trust store: no public keys found");
  if (purposeLines.length === 0) return { keys, revoked, threshold };
  return { keys, revoked, threshold, purposes: parsePurposes(purposeLines, keys, byFile) };
}

/**
 * `purposes`: one line per key, `<key file name | sha256:key id> <purpose>[,<purpose>…]` (purposes:
 * bundle, file, receipt, attestation). A key may be named once; a name that matches no key is an error.
 */
function parsePurposes(
  lines: ReadonlyArray<{ file: string; line: string; dir: string }>,
  keys: ReadonlyMap<string, PublicKeyInfo>,
  byFile: ReadonlyMap<string, string>,
): Map<string, Set<KeyPurpose>> {
  const out = new Map<string, Set<KeyPurpose>>();
  for (const { file, line, dir } of lines) {
    const bad = (why: string) =>
      new SigrunError("TRUST_STORE_INVALID", `${file}: ${why}: ${JSON.stringify(line)}`);
    const m = /^(\S+)\s+([a-z,\s]+)$/.exec(line);
    if (m === null) throw bad("expected `<key file | key id> <purpose>[,<purpose>…]`");
    const ref = m[1]!;
    const keyId = ref.startsWith("sha256:") ? ref : byFile.get(join(dir, ref));
    if (keyId === undefined || !keys.has(keyId)) throw bad("no such key in the trust store");
    if (out.has(keyId)) throw bad("key listed twice");
    const set = new Set<KeyPurpose>();
    for (const word of m[2]!.split(/[\s,]+/).filter((w) => w !== "")) {
      if (!(KEY_PURPOSES as readonly string[]).includes(word)) throw bad(`unknown purpose ${word}`);
      set.add(word as KeyPurpose);
    }
    out.set(keyId, set);
  }
  return out;
}

function readFile(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file === "-" ? 0 : file));
  } catch (err) {
    throw new SigrunError(
      "TRUST_STORE_INVALID",
      `${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
      { cause: err },
    );
  }
}

function parseLines(data: Uint8Array): string[] {
  return Buffer.from(data)
    .toString("utf8")
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l.length > 0);
}

/** A trust store built from keys in memory (tests, embedded use). */
export function trustStoreOf(
  keys: readonly PublicKeyInfo[],
  opts: {
    revoked?: readonly string[];
    threshold?: number;
    purposes?: ReadonlyMap<string, ReadonlySet<KeyPurpose>>;
  } = {},
): TrustStore {
  return {
    keys: new Map(keys.map((k) => [k.keyId, k])),
    revoked: new Set(opts.revoked ?? []),
    threshold: opts.threshold ?? 1,
    ...(opts.purposes ? { purposes: opts.purposes } : {}),
  };
}
