// `sigrun execute`: the client side of sealed remote execution (docs/spec/sealed-execution.md). Seal the
// inputs to a fresh per-job key J, record the job in the ledger, get a key offer (E signed by the host's
// pinned receipt key), release J wrapped to E and the job key, stream the sealed blobs, then verify the
// receipt and the sealed outputs before anything reaches --outputs.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import {
  canonicalJson,
  isSigrunError,
  SigrunError,
  sha256Hex,
  toBase64Url,
  utf8Encode,
} from "../core/index.js";
import {
  type BlobRef,
  encodeJobManifest,
  JOB_MANIFEST_TYPE,
  type JobManifest,
  jobDigest,
  newAgeKeyPair,
  sealBytes,
  type TeeType,
  verifyOffer,
  wrapJobKey,
} from "../jobwire/index.js";
import { parsePublicKey } from "../keys/index.js";
import { openStore } from "../store/index.js";
import { type Channel, openChannel } from "./channel.js";
import { type HostRecord, isReady, loadHost } from "./host-record.js";
import { sealInputs } from "./inputs.js";
import { JobLedger } from "./ledger.js";
import { receiveOutputs } from "./outputs.js";

export interface ExecuteOptions {
  readonly configDir: string;
  readonly host: string;
  readonly app: string;
  readonly inputs: string;
  readonly outputs: string;
  readonly store?: string;
  /** Bearer token of a `sigrun store serve --token-file` store (sent to the host with the release). */
  readonly storeToken?: string;
  readonly timeoutMs: number;
  readonly requireTee?: boolean;
  /** One line per step (the CLI shows them on a TTY). */
  readonly progress?: (step: string) => void;
  /** Replaces the channel (tests). */
  readonly channel?: (configDir: string, host: HostRecord) => Channel;
}

export interface ExecuteResult {
  readonly host: string;
  readonly jobDigest: string;
  readonly nonce: string;
  readonly status: string;
  readonly errorCode: string | null;
  readonly attestation: TeeType;
  readonly receipt: Uint8Array;
  readonly receiptSha256: string;
  readonly outputs: readonly { path: string; size: number; sha256: string }[];
  readonly inputs: number;
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
}

export const MAX_APP_BYTES = 16 * 1024 * 1024;

export function ledgerPath(configDir: string): string {
  return join(configDir, "jobs.sqlite");
}

function sha256(b: Uint8Array): string {
  return sha256Hex(b);
}

/** --outputs must not exist or be an empty directory; its parent must exist. */
function checkOutputs(path: string): void {
  if (!existsSync(dirname(path)))
    throw new SigrunError("USAGE", `--outputs ${path}: parent directory does not exist`);
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory() || readdirSync(path).length > 0)
    throw new SigrunError("USAGE", `--outputs ${path}: exists and is not an empty directory`);
}

export async function execute(o: ExecuteOptions): Promise<ExecuteResult> {
  const step = o.progress ?? (() => undefined);
  const host = loadHost(o.configDir, o.host);
  if (!isReady(host) || !host.receiptKey || !host.jobKey)
    throw new SigrunError(
      "HOST_UNKNOWN",
      `host ${o.host}: keys not pinned yet — install the authorized_keys line, then run sigrun host add ${o.host} again`,
    );
  const outputs = resolve(o.outputs);
  checkOutputs(outputs);
  const app = new Uint8Array(readFileSync(o.app));
  if (app.byteLength > MAX_APP_BYTES)
    throw new SigrunError("TOO_LARGE", `--app: larger than ${MAX_APP_BYTES} bytes`);
  const receiptKey = parsePublicKey(utf8Encode(host.receiptKey.pem), "pinned receipt key");
  if (receiptKey.keyId !== host.receiptKey.keyId)
    throw new SigrunError("INPUT_INVALID", `host ${o.host}: pinned receipt key record is inconsistent`);
  const stage = mkdtempSync(join(dirname(outputs), `.${basename(outputs)}.sigrun-`));
  chmodSync(stage, 0o700);
  const ledger = JobLedger.open(ledgerPath(o.configDir));
  let channel: Channel | undefined;
  let jd: string | undefined;
  try {
    const spool = join(stage, "spool");
    mkdirSync(spool, { mode: 0o700 });
    const j = newAgeKeyPair();
    const out = newAgeKeyPair();
    step("sealing inputs");
    const inputs = await sealInputs(o.inputs, spool, j.recipient);
    const nonce = toBase64Url(randomBytes(32));
    const manifest: JobManifest = {
      _type: JOB_MANIFEST_TYPE,
      nonce,
      bundle: { sha256: sha256(app), size: app.byteLength },
      inputs: inputs.map((i) => i.entry),
      timeout_ms: o.timeoutMs,
      output_recipient: out.recipient,
      require_tee: o.requireTee === true,
      created: new Date().toISOString(),
    };
    const manifestBytes = encodeJobManifest(manifest);
    jd = jobDigest(manifestBytes);
    const manifestCt = await sealBytes(manifestBytes, [j.recipient]);
    const appCt = await sealBytes(app, [j.recipient]);
    const refs: BlobRef[] = [
      { name: "manifest", sha256: sha256(manifestCt), size: manifestCt.byteLength },
      { name: "bundle", sha256: sha256(appCt), size: appCt.byteLength },
      ...inputs.map((i) => i.ref),
    ];
    ledger.add({ jobDigest: jd, nonce, host: host.name, inputs: refs });
    step(`job ${jd.slice(0, 16)}: asking ${host.name} for a key offer`);
    channel = (o.channel ?? openChannel)(o.configDir, host);
    const reply = await channel.hello({ t: "hello", v: 1, want: "job", nonce, job_digest: jd });
    if (reply.t !== "offer") throw new SigrunError("PROTOCOL_ERROR", `expected an offer, got ${reply.t}`);
    const offer = await verifyOffer(reply.offer, {
      receiptKey,
      jobKey: host.jobKey,
      nonce,
      jobDigest: jd,
      now: Date.now(),
      attestation: { requireTee: o.requireTee === true },
    });
    const offerSha256 = sha256(utf8Encode(canonicalJson(offer)));
    step(
      `offer verified (attestation: ${offer.attestation.type}); releasing the job key for ${inputs.length} sealed inputs`,
    );
    const wrapped = await wrapJobKey(j.identity, offer.tee_pubkey, host.jobKey);
    const store = o.store === undefined ? undefined : openStore(o.store, { token: o.storeToken });
    const deletions: { digest: string; size: number; token?: string }[] = [];
    if (store) {
      step(`uploading ${refs.length} sealed blobs to ${store.url}`);
      const files = [manifestCt, appCt, ...inputs.map((i) => i.file)];
      for (let k = 0; k < refs.length; k++) {
        // digests taken while sealing: no second pass over the spool (the store verifies them)
        const ref = { digest: `sha256:${refs[k]!.sha256}`, size: refs[k]!.size };
        const put = await store.put(files[k]!, { ref });
        if (put.digest !== `sha256:${refs[k]!.sha256}` || put.size !== refs[k]!.size)
          throw new SigrunError(
            "DIGEST_MISMATCH",
            `store put ${refs[k]!.name}: the store recorded another digest`,
          );
        deletions.push({ digest: put.digest, size: put.size, token: put.deleteToken });
      }
    }
    const reader = await channel.release(async (w) => {
      const release = { t: "release", wrapped_key: wrapped, blobs: refs as never };
      if (store) {
        await w.message({
          ...release,
          store: { url: o.store!, ...(o.storeToken ? { token: o.storeToken } : {}) },
        });
        step("running on the host; waiting for the receipt");
        return;
      }
      await w.message(release);
      await w.blob(
        { name: "manifest", sha256: refs[0]!.sha256 },
        manifestCt.byteLength,
        Readable.from([manifestCt]),
      );
      await w.blob({ name: "bundle", sha256: refs[1]!.sha256 }, appCt.byteLength, Readable.from([appCt]));
      for (const i of inputs)
        await w.blob({ name: i.ref.name, sha256: i.ref.sha256 }, i.ref.size, createReadStream(i.file));
      step("running on the host; waiting for the receipt");
    });
    const got = await receiveOutputs({
      reader,
      stage,
      receiptKey,
      jobKey: host.jobKey,
      ledger,
      jobDigest: jd,
      nonce,
      offerSha256,
      sent: refs,
      outputIdentity: out.identity,
      outputs,
      store,
    });
    const receiptSha256 = sha256(got.receipt);
    ledger.close(jd, receiptSha256);
    if (store) {
      // verified and closed: the store's copies are no longer needed
      for (const [name, token] of Object.entries(got.deleteTokens)) {
        const ref = got.statement.predicate.sealed.outputs.find((r) => r.name === name);
        if (ref) deletions.push({ digest: `sha256:${ref.sha256}`, size: ref.size, token });
      }
      for (const d of deletions)
        await store.rm({ digest: d.digest, size: d.size }, d.token).catch(() => undefined);
    }
    step(`receipt verified; ${got.files.length} outputs in ${outputs}`);
    const p = got.statement.predicate;
    return {
      host: host.name,
      jobDigest: jd,
      nonce,
      status: p.status,
      errorCode: p.error?.code ?? null,
      attestation: p.attestation.type,
      receipt: got.receipt,
      receiptSha256,
      outputs: got.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
      inputs: inputs.length,
      stdout: got.stdout,
      stderr: got.stderr,
    };
  } catch (err) {
    if (jd !== undefined) ledger.fail(jd, isSigrunError(err) ? err.code : "INTERNAL");
    throw err;
  } finally {
    await channel?.close();
    ledger.dispose();
    rmSync(stage, { recursive: true, force: true });
  }
}
