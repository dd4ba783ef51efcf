import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  type ByteSource,
  bundleCaps,
  createBundle,
  parseBundle,
  signBundle,
  type TrustStore,
  trustStoreOf,
  type VerifyOptions,
  verifyBundle,
  verifyBundleSource,
  verifyOpensslBundle,
} from "../../src/bundle/index.js";
import { canonicalJson, isSigrunError } from "../../src/core/index.js";
import { fileSigner, type GeneratedKey, generateKey, publicKeyInfo, rawSign } from "../../src/keys/index.js";

export const SCRIPT = "let x = 40 + 2;\nx\n";
export const POLICY = "permit (principal, action, resource);\n";

export function enc(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function unsignedBundle(
  opts: {
    targets?: string[];
    created?: number;
    validForMs?: number;
    extra?: Record<string, Uint8Array>;
  } = {},
): Uint8Array {
  const files = new Map<string, Uint8Array>([
    ["script.rhai", enc(SCRIPT)],
    ["policy.cedar", enc(POLICY)],
  ]);
  for (const [k, v] of Object.entries(opts.extra ?? {})) files.set(k, v);
  return createBundle({
    files,
    entry: "script.rhai",
    policy: "policy.cedar",
    targets: opts.targets ?? [],
    created: opts.created ?? Date.now(),
    validForMs: opts.validForMs ?? 3_600_000,
  });
}

export async function signedBundle(
  keys: GeneratedKey[],
  opts: Parameters<typeof unsignedBundle>[0] = {},
): Promise<Uint8Array> {
  let b = unsignedBundle(opts);
  for (const k of keys) b = await signBundle(b, fileSigner(k.privateKey));
  return b;
}

export function trustFor(
  keys: GeneratedKey[],
  opts: { revoked?: string[]; threshold?: number } = {},
): TrustStore {
  return trustStoreOf(
    keys.map((k) => publicKeyInfo(k.publicKey)),
    opts,
  );
}

export function ed25519(): GeneratedKey {
  return generateKey("ed25519");
}

/** The SigrunError code `fn` throws, or "OK". */
export function outcome(fn: () => unknown): string {
  try {
    fn();
    return "OK";
  } catch (err) {
    if (isSigrunError(err)) return err.code;
    throw err;
  }
}

export function tempDir(prefix = "sigrun-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** Runs the built CLI; returns exit code and output. */
export function cli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Uint8Array } = {},
): { code: number; stdout: string; stderr: string } {
  const main = new URL("../../src/cli/main.js", import.meta.url).pathname;
  const r = spawnSync(process.execPath, [main, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: opts.input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A raw ustar header + data block writer for crafting hostile archives. */
export function rawTarEntry(fields: {
  name: string;
  type?: string;
  size?: number;
  data?: Uint8Array;
  linkname?: string;
  prefix?: string;
}): Uint8Array {
  const data = fields.data ?? new Uint8Array(0);
  const size = fields.size ?? data.byteLength;
  const h = new Uint8Array(512);
  const put = (off: number, s: string): void => {
    h.set(Buffer.from(s, "latin1"), off);
  };
  const oct = (off: number, len: number, v: number): void =>
    put(off, `${v.toString(8).padStart(len - 1, "0")}\0`);
  put(0, fields.name);
  oct(100, 8, 0o644);
  oct(108, 8, 0);
  oct(116, 8, 0);
  oct(124, 12, size);
  oct(136, 12, 0);
  put(156, fields.type ?? "0");
  if (fields.linkname) put(157, fields.linkname);
  put(257, "ustar\u000000");
  oct(329, 8, 0);
  oct(337, 8, 0);
  if (fields.prefix) put(345, fields.prefix);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  put(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  const padded = new Uint8Array(Math.ceil(data.byteLength / 512) * 512);
  padded.set(data);
  return new Uint8Array(Buffer.concat([h, padded]));
}

export function rawTar(entries: Uint8Array[], trailer: Uint8Array = new Uint8Array(1024)): Uint8Array {
  return new Uint8Array(Buffer.concat([...entries, trailer]));
}

/** Gzips a tar and signs it like `openssl dgst -sha256 -sign` with a fresh P-256 key; returns the trust store too. */
export function classicSigned(tar: Uint8Array): { tgz: Uint8Array; sig: Uint8Array; trust: TrustStore } {
  const key = generateKey("p256");
  const tgz = new Uint8Array(gzipSync(tar));
  const sig = rawSign("p256", key.privateKey, tgz);
  return { tgz, sig, trust: trustFor([key]) };
}

/** A canonical-looking .sgb whose body entries are given raw (for hostile-archive tests). */
export async function sgbWithBody(body: Uint8Array[]): Promise<{ bytes: Uint8Array; trust: TrustStore }> {
  const k = ed25519();
  const signed = await signedBundle([k]);
  const p = parseBundle(signed, bundleCaps());
  const manifest = rawTarEntry({ name: "manifest.json", data: p.manifestBytes });
  const sigs = rawTarEntry({
    name: "signatures.dsse.json",
    data: new TextEncoder().encode(canonicalJson(p.envelope)),
  });
  const files = p.manifest.files.map((f) => rawTarEntry({ name: f.path, data: p.files.get(f.path)! }));
  return { bytes: rawTar([manifest, ...files, ...body, sigs]), trust: trustFor([k]) };
}

/**
 * A `ByteSource` over bytes that answers at most `maxRead` bytes per read (partial reads, as a file may),
 * for `verifyBundleSource`.
 */
export function memorySource(bytes: Uint8Array, maxRead = Number.MAX_SAFE_INTEGER): ByteSource {
  return {
    size: bytes.byteLength,
    read(into, position) {
      const n = Math.max(0, Math.min(into.byteLength, maxRead, bytes.byteLength - position));
      into.set(bytes.subarray(position, position + n));
      return n;
    },
  };
}

/** Code and message of what `fn` throws (`OK` if nothing): to compare two verifiers exactly. */
export function failure(fn: () => unknown): string {
  try {
    fn();
    return "OK";
  } catch (err) {
    if (isSigrunError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
}

/**
 * Verifies `bytes` in memory (`verifyBundle`) and read in chunks (`verifyBundleSource`, small chunks and
 * partial reads); throws unless both give the same outcome, code and message. Returns the code.
 */
export function sgbOutcome(bytes: Uint8Array, opts: VerifyOptions): string {
  const inMemory = failure(() => verifyBundle(bytes, opts));
  const streamed = failure(() => verifyBundleSource(memorySource(bytes, 700), opts));
  if (streamed !== inMemory)
    throw new Error(
      `streamed verify says ${JSON.stringify(streamed)}, in memory ${JSON.stringify(inMemory)}`,
    );
  return inMemory.split(":")[0]!;
}

/** What verification says of the hostile `entries` added to a signed .sgb and to a signed classic tar.gz. */
export async function hostileOutcomes(entries: Uint8Array[]): Promise<{ sgb: string; classic: string }> {
  const { bytes, trust } = await sgbWithBody(entries);
  const c = classicSigned(
    rawTar([
      rawTarEntry({ name: "script.rhai", data: enc("1") }),
      rawTarEntry({ name: "policy.cedar", data: enc("p") }),
      ...entries,
    ]),
  );
  return {
    sgb: sgbOutcome(bytes, { trust }),
    classic: outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
  };
}

export const BOTH_MALFORMED = { sgb: "BUNDLE_MALFORMED", classic: "BUNDLE_MALFORMED" } as const;
