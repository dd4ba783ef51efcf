// The client's last step: the receipt, then the sealed outputs. Order (docs/spec/sealed-execution.md §8):
// the receipt's signature against the pinned key; its nonce and job digest against an open ledger entry;
// every downloaded ciphertext against a subject (each output is unsealed while it downloads, into the
// private staging directory); only then is the staging directory renamed into --outputs, so nothing
// partial or unverified ever appears there.
import { mkdirSync, renameSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { canonicalJson, SigrunError, sha256Hex } from "../core/index.js";
import {
  type BlobRef,
  type FrameReader,
  type OutputFile,
  openBytes,
  parseOutputManifest,
  type SealedStatement,
  unsealVerifiedSource,
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

/** The three small blobs every job returns; the rest are output/0, output/1, … (one per manifest file). */
const SMALL = ["outputs.manifest", "stdout", "stderr"] as const;
/** Cap on a small blob's ciphertext (an output manifest of MAX_INPUTS entries, a captured stream). */
export const MAX_SMALL_CT = 64 * 1024 * 1024;

/**
 * Unseals each output as it arrives, into `stage/out` (private, 0700): the output manifest, stdout and
 * stderr in memory (verified first), every output file streamed through unseal with its ciphertext
 * counted and hashed on the way (a size past the receipt's fails at once, a digest at its end) and its
 * plaintext checked against the manifest. One write per output, no ciphertext copy on disk. Only once
 * every blob the receipt names has arrived and matched is `stage/out` renamed into --outputs; on any
 * failure the caller removes the staging directory and --outputs stays as it was.
 */
export async function receiveOutputs(c: ReceiveContext): Promise<Received> {
  const m = await c.reader.expect("receipt");
  if (typeof m.receipt !== "string") throw new SigrunError("PROTOCOL_ERROR", "receipt message: no receipt");
  const receipt = new Uint8Array(Buffer.from(m.receipt, "utf8"));
  const st = checkReceipt(receipt, c);
  const rx = new OutputsReceiver(c, st);
  let tokens: Record<string, string> = {};
  for (;;) {
    const b = await c.reader.message();
    if (b.t === "done") {
      if (c.store) {
        if (b.store !== true) throw new SigrunError("PROTOCOL_ERROR", "expected the outputs on the store");
        tokens = checkTokens(b.delete_tokens);
        const store = c.store;
        const ref = (r: BlobRef) => ({ digest: `sha256:${r.sha256}`, size: r.size });
        for (const name of SMALL) rx.small(name, await store.getBytes(ref(rx.ref(name)), MAX_SMALL_CT));
        await rx.smallDone();
        // the store stream checks size and digest itself
        for (const f of rx.files())
          await unsealVerifiedSource(
            store.stream(ref(rx.ref(f.blob))),
            c.outputIdentity,
            rx.dest(f),
            null,
            f,
            rx.label(f),
          );
      }
      break;
    }
    if (c.store) throw new SigrunError("PROTOCOL_ERROR", "blob on the session in store mode");
    if (b.t !== "blob") throw new SigrunError("PROTOCOL_ERROR", `expected a blob or done, got ${b.t}`);
    const ref = rx.arriving(String(b.name));
    if (b.size !== ref.size || b.sha256 !== ref.sha256)
      throw new SigrunError("DIGEST_MISMATCH", `output ${ref.name}: not the ciphertext the receipt names`);
    if (rx.isSmall(ref.name)) {
      if (ref.size > MAX_SMALL_CT)
        throw new SigrunError("TOO_LARGE", `output ${ref.name}: larger than ${MAX_SMALL_CT} bytes`);
      const parts: Buffer[] = [];
      for await (const chunk of c.reader.blob(ref.size)) parts.push(Buffer.from(chunk));
      const ct = Buffer.concat(parts);
      if (sha256Hex(ct) !== ref.sha256)
        throw new SigrunError(
          "DIGEST_MISMATCH",
          `output ${ref.name}: ciphertext digest differs from the receipt`,
        );
      rx.small(ref.name, new Uint8Array(ct));
      if (SMALL.every((n) => rx.has(n))) await rx.smallDone();
      continue;
    }
    const f = rx.fileOf(ref.name);
    await unsealVerifiedSource(c.reader.blob(ref.size), c.outputIdentity, rx.dest(f), ref, f, rx.label(f));
  }
  return { ...rx.finish(receipt), deleteTokens: tokens };
}

/** What arrived so far, checked against the receipt; the staging directory of the plaintext. */
class OutputsReceiver {
  private readonly expected: Map<string, BlobRef>;
  private readonly got = new Set<string>();
  private readonly smalls = new Map<string, Uint8Array>();
  private opened: { files: readonly OutputFile[]; stdout: Uint8Array; stderr: Uint8Array } | null = null;
  private readonly out: string;

  constructor(
    private readonly c: Pick<ReceiveContext, "stage" | "outputIdentity" | "outputs" | "jobDigest">,
    private readonly st: SealedStatement,
  ) {
    const refs = st.predicate.sealed.outputs;
    this.expected = new Map(refs.map((r) => [r.name, r]));
    for (const name of SMALL)
      if (!this.expected.has(name))
        throw new SigrunError("RECEIPT_INVALID", `output ${name}: not in the receipt`);
    for (const r of refs)
      if (!this.isSmall(r.name) && !/^output\/(0|[1-9][0-9]{0,5})$/.test(r.name))
        throw new SigrunError("RECEIPT_INVALID", `receipt: unknown output blob ${r.name.slice(0, 40)}`);
    this.out = join(c.stage, "out");
    mkdirSync(this.out, { mode: 0o700 });
  }

  isSmall(name: string): boolean {
    return (SMALL as readonly string[]).includes(name);
  }

  has(name: string): boolean {
    return this.got.has(name);
  }

  ref(name: string): BlobRef {
    const ref = this.expected.get(name);
    if (!ref)
      throw new SigrunError("RECEIPT_INVALID", `output ${name.slice(0, 40)}: not listed in the receipt`);
    return ref;
  }

  /** A blob about to arrive on the session: listed in the receipt, not seen before. */
  arriving(name: string): BlobRef {
    const ref = this.ref(name);
    if (this.got.has(name)) throw new SigrunError("PROTOCOL_ERROR", `output ${name}: sent twice`);
    this.got.add(name);
    return ref;
  }

  /** A verified small blob's ciphertext. */
  small(name: string, ct: Uint8Array): void {
    this.got.add(name);
    this.smalls.set(name, ct);
  }

  /** Opens the output manifest, stdout and stderr, and checks the manifest against the receipt. */
  async smallDone(): Promise<void> {
    const o = [this.c.outputIdentity];
    const files = parseOutputManifest(
      await openBytes(this.smalls.get("outputs.manifest")!, o),
      this.c.jobDigest,
    ).files;
    const outNames = this.st.predicate.sealed.outputs.filter((r) => r.name.startsWith("output/"));
    if (outNames.length !== files.length)
      throw new SigrunError(
        "RECEIPT_INVALID",
        "output manifest: not one entry per output blob in the receipt",
      );
    for (const f of files)
      if (!this.expected.has(f.blob))
        throw new SigrunError("RECEIPT_INVALID", `output manifest: ${f.blob} not in the receipt`);
    const stdout = await openBytes(this.smalls.get("stdout")!, o);
    const stderr = await openBytes(this.smalls.get("stderr")!, o);
    this.opened = { files, stdout, stderr };
    this.smalls.clear();
  }

  files(): readonly OutputFile[] {
    return this.opened?.files ?? [];
  }

  /** The manifest entry of an output blob (the manifest arrives before any output file). */
  fileOf(name: string): OutputFile {
    if (!this.opened)
      throw new SigrunError(
        "PROTOCOL_ERROR",
        `output ${name}: sent before the output manifest, stdout and stderr`,
      );
    const f = this.opened.files.find((x) => x.blob === name);
    if (!f) throw new SigrunError("RECEIPT_INVALID", `output manifest: no entry for ${name}`);
    return f;
  }

  dest(f: OutputFile): string {
    this.got.add(f.blob);
    return join(this.out, ...f.path.split("/"));
  }

  label(f: OutputFile): string {
    return `output ${f.path}`;
  }

  /** Every blob of the receipt arrived and matched: the staging directory becomes --outputs. */
  finish(receipt: Uint8Array): Omit<Received, "deleteTokens"> {
    for (const name of this.expected.keys())
      if (!this.got.has(name)) throw new SigrunError("RECEIPT_INVALID", `output ${name}: missing`);
    if (!this.opened) throw new SigrunError("RECEIPT_INVALID", "outputs.manifest: missing");
    try {
      rmdirSync(this.c.outputs); // an empty --outputs is replaced; a non-empty one was refused before the job
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT")
        throw new SigrunError("IO_ERROR", `--outputs: ${(err as Error).message}`);
    }
    renameSync(this.out, this.c.outputs);
    return { receipt, statement: this.st, ...this.opened };
  }
}

function checkTokens(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new SigrunError("PROTOCOL_ERROR", "delete_tokens: expected an object");
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(v)) if (typeof t === "string" && t.length < 512) out[k] = t;
  return out;
}
