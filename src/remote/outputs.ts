// The client's last step: the receipt, then the sealed outputs. Order (docs/spec/sealed-execution.md §8):
// the receipt's signature against the pinned key; its nonce and job digest against an open ledger entry;
// every downloaded ciphertext against a subject; only then unseal — into a staging directory that is
// renamed into place, so nothing partial ever appears in --outputs.
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync, renameSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { canonicalJson, SigrunError } from "../core/index.js";
import {
  type BlobRef,
  type FrameReader,
  type OutputFile,
  openBytes,
  parseOutputManifest,
  type SealedStatement,
  unsealToFile,
  verifySealedReceipt,
} from "../jobwire/index.js";
import type { PublicKeyInfo } from "../keys/index.js";
import type { StoreClient } from "../store/index.js";
import type { JobLedger } from "./ledger.js";

export interface ReceiveContext {
  readonly reader: FrameReader;
  readonly stage: string;
  readonly receiptKey: PublicKeyInfo;
  readonly jobKey: string;
  readonly ledger: JobLedger;
  readonly jobDigest: string;
  readonly nonce: string;
  readonly offerSha256: string;
  /** What was sent: manifest, bundle, input/N. */
  readonly sent: readonly BlobRef[];
  readonly outputIdentity: string;
  readonly outputs: string;
  /** With `--store`: outputs are fetched from the store (each GET verified) instead of the stream. */
  readonly store?: StoreClient;
}

export interface Received {
  readonly receipt: Uint8Array;
  readonly statement: SealedStatement;
  readonly files: readonly OutputFile[];
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
  /** Deletion tokens of the outputs the host put on the store, by blob name. */
  readonly deleteTokens: Readonly<Record<string, string>>;
}

/** Checks a verified receipt against this job and the ledger (steps 1–2). */
export function checkReceipt(
  bytes: Uint8Array,
  c: Omit<ReceiveContext, "reader" | "stage" | "outputIdentity" | "outputs">,
): SealedStatement {
  const st = verifySealedReceipt(bytes, c.receiptKey);
  const s = st.predicate.sealed;
  c.ledger.openEntry(s.nonce, s.job_digest);
  if (s.nonce !== c.nonce || s.job_digest !== c.jobDigest)
    throw new SigrunError("REPLAY", "receipt: it belongs to another of this client's jobs");
  if (s.offer_sha256 !== c.offerSha256)
    throw new SigrunError("RECEIPT_INVALID", "receipt: not for the offer J was released to");
  if (s.host.job_key !== c.jobKey)
    throw new SigrunError("RECEIPT_INVALID", "receipt: host job key is not the pinned one");
  if (canonicalJson(s.inputs) !== canonicalJson(c.sent))
    throw new SigrunError("RECEIPT_INVALID", "receipt: the inputs the host used are not the ones sent");
  return st;
}

export async function receiveOutputs(c: ReceiveContext): Promise<Received> {
  const m = await c.reader.expect("receipt");
  if (typeof m.receipt !== "string") throw new SigrunError("PROTOCOL_ERROR", "receipt message: no receipt");
  const receipt = new Uint8Array(Buffer.from(m.receipt, "utf8"));
  const st = checkReceipt(receipt, c);
  const expected = new Map(st.predicate.sealed.outputs.map((r) => [r.name, r]));
  const cipherDir = join(c.stage, "cipher");
  mkdirSync(cipherDir, { mode: 0o700 });
  const got = new Set<string>();
  const fileOf = (name: string): string => join(cipherDir, name.replace("/", "-"));
  let tokens: Record<string, string> = {};
  for (;;) {
    const b = await c.reader.message();
    if (b.t === "done") {
      if (c.store) {
        if (b.store !== true) throw new SigrunError("PROTOCOL_ERROR", "expected the outputs on the store");
        tokens = checkTokens(b.delete_tokens);
        for (const ref of expected.values()) {
          await c.store.get({ digest: `sha256:${ref.sha256}`, size: ref.size }, fileOf(ref.name));
          got.add(ref.name);
        }
      }
      break;
    }
    if (c.store) throw new SigrunError("PROTOCOL_ERROR", "blob on the session in store mode");
    if (b.t !== "blob") throw new SigrunError("PROTOCOL_ERROR", `expected a blob or done, got ${b.t}`);
    const ref = expected.get(String(b.name));
    if (!ref)
      throw new SigrunError(
        "RECEIPT_INVALID",
        `output ${String(b.name).slice(0, 40)}: not listed in the receipt`,
      );
    if (got.has(ref.name)) throw new SigrunError("PROTOCOL_ERROR", `output ${ref.name}: sent twice`);
    if (b.size !== ref.size || b.sha256 !== ref.sha256)
      throw new SigrunError("DIGEST_MISMATCH", `output ${ref.name}: not the ciphertext the receipt names`);
    const h = createHash("sha256");
    await pipeline(
      async function* (this: void) {
        for await (const chunk of c.reader.blob(ref.size)) {
          h.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(fileOf(ref.name), { flags: "wx", mode: 0o600 }),
    );
    if (h.digest("hex") !== ref.sha256)
      throw new SigrunError(
        "DIGEST_MISMATCH",
        `output ${ref.name}: ciphertext digest differs from the receipt`,
      );
    got.add(ref.name);
  }
  for (const name of expected.keys())
    if (!got.has(name)) throw new SigrunError("RECEIPT_INVALID", `output ${name}: missing`);
  return { ...(await unsealAll(c, receipt, st, fileOf)), deleteTokens: tokens };
}

function checkTokens(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new SigrunError("PROTOCOL_ERROR", "delete_tokens: expected an object");
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(v)) if (typeof t === "string" && t.length < 512) out[k] = t;
  return out;
}

/** Step 4: unseal into staging, check plaintext digests, rename into --outputs. */
export async function unsealAll(
  c: Pick<ReceiveContext, "stage" | "outputIdentity" | "outputs" | "jobDigest">,
  receipt: Uint8Array,
  st: SealedStatement,
  fileOf: (name: string) => string,
): Promise<Omit<Received, "deleteTokens">> {
  const o = [c.outputIdentity];
  const manifest = parseOutputManifest(
    await openBytes(readFileSync(fileOf("outputs.manifest")), o),
    c.jobDigest,
  );
  const outNames = st.predicate.sealed.outputs.filter((r) => r.name.startsWith("output/"));
  if (outNames.length !== manifest.files.length)
    throw new SigrunError("RECEIPT_INVALID", "output manifest: not one entry per output blob in the receipt");
  const stdout = await openBytes(readFileSync(fileOf("stdout")), o);
  const stderr = await openBytes(readFileSync(fileOf("stderr")), o);
  const out = join(c.stage, "out");
  mkdirSync(out, { mode: 0o700 });
  const cipherOf = new Map(st.predicate.sealed.outputs.map((r) => [r.name, r]));
  for (const f of manifest.files) {
    const ref = cipherOf.get(f.blob);
    if (!ref) throw new SigrunError("RECEIPT_INVALID", `output manifest: ${f.blob} not in the receipt`);
    await unsealToFile(
      fileOf(f.blob),
      c.outputIdentity,
      join(out, ...f.path.split("/")),
      ref,
      f,
      `output ${f.path}`,
    );
  }
  try {
    rmdirSync(c.outputs); // an empty --outputs is replaced; a non-empty one was refused before the job
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      throw new SigrunError("IO_ERROR", `--outputs: ${(err as Error).message}`);
  }
  renameSync(out, c.outputs);
  return { receipt, statement: st, files: manifest.files, stdout, stderr };
}
