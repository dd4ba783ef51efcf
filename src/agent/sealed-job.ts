// The host side of sealed execution (docs/spec/sealed-execution.md): answer a job with a fresh ephemeral
// key E signed by the receipt key, take the released job key J, receive and check the sealed bundle,
// manifest and inputs, run the bundle on the plaintext in a private temporary directory, seal every output
// plus stdout/stderr to the client's recipient O, and return a signed receipt over the output ciphertexts.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VerifiedBundle } from "../bundle/index.js";
import { canonicalJson, isSigrunError, SigrunError, sha256Hex, toHex, utf8Encode } from "../core/index.js";
import {
  type AgeKeyPair,
  type Attester,
  checkBlobRefs,
  type Envelope,
  type FrameReader,
  type FrameWriter,
  type JobManifest,
  jobDigest,
  type Message,
  NONE_ATTESTER,
  newAgeKeyPair,
  OFFER_TTL_MS,
  OFFER_TYPE,
  type Offer,
  openBytes,
  parseJobManifest,
  reportData,
  signOffer,
  unwrapJobKey,
} from "../jobwire/index.js";
import type { Agent } from "./agent.js";
import { encodeReceiptEnvelope } from "./dsse.js";
import { summarizeRun } from "./outcome.js";
import { IN_TOTO_STATEMENT_TYPE, RECEIPT_PREDICATE_TYPE, receiptTime, signReceipt } from "./receipt.js";
import { type BlobSource, streamSource } from "./sealed-blobs.js";
import { loadOrCreateJobKey } from "./sealed-keys.js";
import { type SealedOutputs, sealOutputs } from "./sealed-outputs.js";
import { parseStoreRef, putOutputs, storeClient, storeSource } from "./sealed-store.js";

/** A job between its offer and its release: E lives only here. */
export interface PendingSealedJob {
  readonly offer: Offer;
  readonly envelope: Envelope;
  readonly offerSha256: string;
  readonly ephemeral: AgeKeyPair;
  readonly created: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
const NONCE_RE = /^[A-Za-z0-9_-]{43}$/;
const MAX_MANIFEST_CT = 33 * 1024 * 1024;

function sha256(b: Uint8Array): string {
  return sha256Hex(b);
}

export class SealedHost {
  private constructor(
    readonly agent: Agent,
    readonly jobKey: AgeKeyPair,
    private readonly attester: Attester,
  ) {}

  static async open(agent: Agent, attester: Attester = NONE_ATTESTER): Promise<SealedHost> {
    return new SealedHost(agent, await loadOrCreateJobKey(agent.stateDir), attester);
  }

  /** What `host add` pins: the receipt key (Ed25519) and the job key (X25519). */
  keysMessage(): Message {
    return {
      t: "keys",
      host_id: this.agent.hostId,
      receipt_key: { key_id: this.agent.identity.publicKey.keyId, pem: this.agent.identity.publicKeyPem },
      job_key: this.jobKey.recipient,
    };
  }

  /** A fresh E for this nonce and job digest, with attestation, signed by the receipt key. */
  async offer(hello: Message): Promise<PendingSealedJob> {
    if (typeof hello.nonce !== "string" || !NONCE_RE.test(hello.nonce))
      throw new SigrunError("PROTOCOL_ERROR", "hello: nonce: expected 32 bytes base64url");
    if (typeof hello.job_digest !== "string" || !HEX64.test(hello.job_digest))
      throw new SigrunError("PROTOCOL_ERROR", "hello: job_digest: expected sha256 hex");
    const ephemeral = newAgeKeyPair();
    const rd = reportData(hello.nonce, ephemeral.recipient);
    const now = Date.now();
    const offer: Offer = {
      _type: OFFER_TYPE,
      nonce: hello.nonce,
      job_digest: hello.job_digest,
      tee_pubkey: ephemeral.recipient,
      job_key: this.jobKey.recipient,
      host: { id: this.agent.hostId, receipt_key_id: this.agent.identity.publicKey.keyId },
      attestation: await this.attester.attest(rd),
      report_data: toHex(rd),
      issued_at: receiptTime(now),
      expires_at: receiptTime(now + OFFER_TTL_MS),
    };
    const envelope = await signOffer(offer, this.agent.identity.signer);
    return {
      offer,
      envelope,
      offerSha256: sha256(utf8Encode(canonicalJson(offer))),
      ephemeral,
      created: now,
    };
  }

  /** One whole session on a duplex stream (SSH): hello → keys, or hello → offer → release → run → receipt. */
  async session(reader: FrameReader, writer: FrameWriter, transport: string): Promise<void> {
    try {
      await reader.expectMagic();
      const hello = await reader.expect("hello");
      if (hello.want === "keys") {
        await writer.message(this.keysMessage());
        return;
      }
      if (hello.want !== "job") throw new SigrunError("PROTOCOL_ERROR", "hello: want: expected keys or job");
      const pending = await this.offer(hello);
      await writer.message({ t: "offer", offer: pending.envelope as unknown as Record<string, unknown> });
      await this.run(pending, reader, writer, transport);
    } catch (err) {
      await sendError(writer, err);
      throw err;
    } finally {
      await writer.end();
    }
  }

  /** Takes the release and the sealed blobs, runs the job, writes the receipt and the sealed outputs. */
  async run(
    pending: PendingSealedJob,
    reader: FrameReader,
    writer: FrameWriter,
    transport: string,
  ): Promise<void> {
    const received = Date.now();
    if (received > Date.parse(pending.offer.expires_at))
      throw new SigrunError("EXPIRED", "key offer expired");
    const release = await reader.expect("release");
    const refs = checkBlobRefs(release.blobs, "release.blobs");
    if (refs[0]?.name !== "manifest" || refs[1]?.name !== "bundle")
      throw new SigrunError("PROTOCOL_ERROR", "release.blobs: expected manifest, bundle, input/0 …");
    refs.slice(2).forEach((r, i) => {
      if (r.name !== `input/${i}`)
        throw new SigrunError("PROTOCOL_ERROR", `release.blobs: expected input/${i}`);
    });
    const store = release.store === undefined ? undefined : storeClient(parseStoreRef(release.store));
    const j = await unwrapJobKey(release.wrapped_key, pending.ephemeral.identity, this.jobKey.identity);
    const dir = mkdtempSync(join(tmpdir(), "sigrun-job-"));
    const jobId = randomBytes(16).toString("hex");
    try {
      const src: BlobSource = store ? storeSource(store) : streamSource(reader);
      const inputsDir = join(dir, "inputs");
      const outputsDir = join(dir, "outputs");
      mkdirSync(inputsDir, { mode: 0o700 });
      mkdirSync(outputsDir, { mode: 0o700 });
      const manifestBytes = await openBytes(await src.bytes(refs[0], MAX_MANIFEST_CT), [j]);
      if (jobDigest(manifestBytes) !== pending.offer.job_digest)
        throw new SigrunError("DIGEST_MISMATCH", "job manifest: digest is not the job digest of the offer");
      const manifest = parseJobManifest(manifestBytes);
      if (manifest.nonce !== pending.offer.nonce)
        throw new SigrunError("INPUT_INVALID", "job manifest: nonce");
      if (manifest.inputs.length !== refs.length - 2)
        throw new SigrunError("PROTOCOL_ERROR", "release.blobs: not one blob per manifest input");
      const bundleBytes = await openBytes(await src.bytes(refs[1], this.agent.maxBundleBytes + 65_536), [j]);
      if (sha256(bundleBytes) !== manifest.bundle.sha256 || bundleBytes.byteLength !== manifest.bundle.size)
        throw new SigrunError("DIGEST_MISMATCH", "bundle: not the one the job manifest names");
      const bundle = this.agent.verifySealedBundle(bundleBytes);
      for (let i = 0; i < manifest.inputs.length; i++)
        await src.toFile(refs[i + 2]!, j, inputsDir, manifest.inputs[i]!);
      const inputsReady = Date.now();
      await this.agent.audit.append("sealed-run", {
        job: jobId,
        transport,
        jobDigest: pending.offer.job_digest,
        bundle: bundle.manifest.id,
        inputs: manifest.inputs.length,
      });
      let outcome: Awaited<ReturnType<Agent["runSealed"]>>;
      try {
        outcome = await this.agent.runSealed(bundle, {
          cwd: dir,
          args: { inputs_dir: { stringValue: inputsDir }, outputs_dir: { stringValue: outputsDir } },
          timeoutMs: manifest.timeout_ms,
        });
      } catch (err) {
        outcome = {
          kind: "error",
          code: isSigrunError(err) ? err.code : "RUNNER_ERROR",
          message: (err as Error).message,
        };
      }
      let summary = summarizeRun(outcome);
      const finished = Date.now();
      let sealed: SealedOutputs;
      try {
        sealed = await sealOutputs(dir, outputsDir, manifest, pending.offer.job_digest, summary);
      } catch (err) {
        summary = summarizeRun({
          kind: "error",
          code: isSigrunError(err) ? err.code : "IO_ERROR",
          message: `outputs: ${(err as Error).message}`,
        });
        rmSync(outputsDir, { recursive: true, force: true });
        mkdirSync(outputsDir, { mode: 0o700 });
        sealed = await sealOutputs(dir, outputsDir, manifest, pending.offer.job_digest, summary);
      }
      const entry = await this.agent.audit.append("sealed-finish", {
        job: jobId,
        jobDigest: pending.offer.job_digest,
        status: summary.status,
        code: summary.error?.code ?? null,
        outputs: sealed.refs.length,
      });
      const receipt = await this.receipt({
        jobId,
        transport,
        pending,
        manifest,
        bundle,
        summary,
        refs,
        sealed,
        seq: entry.seq,
        timing: { received, inputs_ready: inputsReady, finished, sealed: Date.now() },
      });
      const tokens = store ? await putOutputs(store, sealed.refs, sealed.path) : undefined;
      await writer.message({
        t: "receipt",
        receipt: Buffer.from(receipt).toString("utf8"),
        blobs: sealed.refs as never,
      });
      if (!store)
        for (const r of sealed.refs)
          await writer.blob({ name: r.name, sha256: r.sha256 }, r.size, sealed.open(r.name));
      // with a store the outputs are there; the client gets their deletion tokens
      await writer.message(tokens ? { t: "done", store: true, delete_tokens: tokens } : { t: "done" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async receipt(x: {
    jobId: string;
    transport: string;
    pending: PendingSealedJob;
    manifest: JobManifest;
    bundle: VerifiedBundle;
    summary: ReturnType<typeof summarizeRun>;
    refs: readonly { name: string; sha256: string; size: number }[];
    sealed: SealedOutputs;
    seq: number;
    timing: { received: number; inputs_ready: number; finished: number; sealed: number };
  }): Promise<Uint8Array> {
    const { offer } = x.pending;
    const b = x.bundle;
    const statement = {
      _type: IN_TOTO_STATEMENT_TYPE,
      subject: x.sealed.refs.map((r) => ({ name: r.name, digest: { sha256: r.sha256 } })),
      predicateType: RECEIPT_PREDICATE_TYPE,
      predicate: {
        job: { id: x.jobId, transport: x.transport, submissionSha256: null },
        bundle: {
          id: b.manifest.id,
          form: b.form,
          manifestDigest: b.manifestDigest,
          signers: b.signers.map((s) => s.keyId),
          notAfter: b.manifest.notAfter,
        },
        host: {
          id: this.agent.hostId,
          keyId: this.agent.identity.publicKey.keyId,
          groups: [...this.agent.groups],
        },
        times: {
          queued: receiptTime(x.timing.received),
          started: receiptTime(x.timing.inputs_ready),
          finished: receiptTime(x.timing.finished),
        },
        status: x.summary.status,
        error: x.summary.error,
        result: x.summary.result,
        audit: { seq: x.seq },
        attestation: { type: offer.attestation.type },
        sealed: {
          job_digest: offer.job_digest,
          nonce: offer.nonce,
          offer_sha256: x.pending.offerSha256,
          host: { id: this.agent.hostId, receipt_key_id: offer.host.receipt_key_id, job_key: offer.job_key },
          inputs: x.refs,
          outputs: x.sealed.refs,
          exit: { status: x.summary.status, code: x.summary.error?.code ?? null },
          timing: {
            received: receiptTime(x.timing.received),
            inputs_ready: receiptTime(x.timing.inputs_ready),
            finished: receiptTime(x.timing.finished),
            sealed: receiptTime(x.timing.sealed),
          },
        },
      },
    };
    const env = await signReceipt(statement as never, this.agent.identity.signer);
    return encodeReceiptEnvelope(env);
  }
}

/** Tells the peer why, with a code only (never local details). */
export async function sendError(writer: FrameWriter, err: unknown): Promise<void> {
  const code = isSigrunError(err) ? err.code : "INTERNAL";
  try {
    await writer.message({ t: "error", code, message: `sealed job refused: ${code}` });
  } catch {
    // the peer is gone
  }
}
