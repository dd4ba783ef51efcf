import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";
import { type PublicKeyInfo, parsePublicKey } from "../keys/index.js";

/** Trusted public keys by key id, revoked key ids, and the default signature threshold. */
export interface TrustStore {
  readonly keys: ReadonlyMap<string, PublicKeyInfo>;
  readonly revoked: ReadonlySet<string>;
  readonly threshold: number;
}

const KEY_FILE_RE = /\.(pem|pub|crt)$/;
const MAX_TRUST_FILES = 1000;

/**
 * Loads a trust store from key files and directories. A directory holds public keys (`*.pem`, `*.pub`,
 * `*.crt`: SPKI PEM, X.509 certificate, OpenSSH public key), optionally a `revoked` file (one key id per
 * line, `#` comments) and a `threshold` file (one integer). Revoked keys stay known so that a signature
 * by one is reported as SIGNER_REVOKED rather than untrusted.
 */
export function loadTrustStore(paths: readonly string[]): TrustStore {
  const keys = new Map<string, PublicKeyInfo>();
  const revoked = new Set<string>();
  let threshold = 1;
  const addKey = (file: string): void => {
    const info = parsePublicKey(readFile(file), file);
    keys.set(info.keyId, info);
  };
  for (const p of paths) {
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
      } else if (KEY_FILE_RE.test(name) && statSync(file).isFile()) {
        addKey(file);
      }
    }
  }
  if (keys.size === 0) throw new SigrunError("TRUST_STORE_INVALID", "trust store: no public keys found");
  return { keys, revoked, threshold };
}

function readFile(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
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
  opts: { revoked?: readonly string[]; threshold?: number } = {},
): TrustStore {
  return {
    keys: new Map(keys.map((k) => [k.keyId, k])),
    revoked: new Set(opts.revoked ?? []),
    threshold: opts.threshold ?? 1,
  };
}
