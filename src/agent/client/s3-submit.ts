import { SigrunError, sha256Hex } from "../../core/index.js";
import { S3Client, s3ConfigFromUrl } from "../../store/index.js";

export interface S3SubmitOptions {
  /** `s3://bucket/prefix` an agent polls with `--s3`. */
  readonly url: string;
  readonly endpoint?: string;
  /** Object name under the prefix: `job.sgb`, `bundle.tar.gz`… (must be unique: a name with a receipt is skipped). */
  readonly name: string;
  readonly bundle: Uint8Array;
  readonly sig?: Uint8Array;
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly pollMs?: number;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(sgb|tar\.gz|tgz)$/;
const sha = (b: Uint8Array) => sha256Hex(b);

/**
 * `sigrun submit --to s3://…`: uploads the signature first (classic form) and then the bundle, so the
 * agent sees a complete pair; with `wait`, polls for `<name>.receipt.json` and returns it.
 */
export async function s3Submit(o: S3SubmitOptions): Promise<{ key: string; receipt?: Uint8Array }> {
  if (!NAME_RE.test(o.name))
    throw new SigrunError(
      "USAGE",
      `submit --to s3: bundle name must end in .sgb, .tar.gz or .tgz, got ${o.name}`,
    );
  if (o.name.endsWith(".sgb") === (o.sig !== undefined))
    throw new SigrunError("USAGE", "submit --to s3: --sig goes with a classic .tar.gz bundle only");
  const s3 = new S3Client(s3ConfigFromUrl(o.url, o.env, o.endpoint));
  const key = s3.key(o.name);
  if ((await s3.head(`${key}.receipt.json`)) !== null || (await s3.head(key)) !== null)
    throw new SigrunError("STORE_CONFLICT", `submit --to s3: ${o.name} already exists there; use a new name`);
  if (o.sig !== undefined) {
    const sigKey = s3.key(`${o.name.replace(/\.(tar\.gz|tgz)$/, "")}.sig`);
    await s3.put(sigKey, o.sig.byteLength, sha(o.sig), o.sig, false);
  }
  await s3.put(key, o.bundle.byteLength, sha(o.bundle), o.bundle, true);
  if (!o.wait) return { key };
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const size = await s3.head(`${key}.receipt.json`);
    if (size !== null)
      return { key, receipt: new Uint8Array(await s3.getBytes(`${key}.receipt.json`, 1024 * 1024)) };
    if (Date.now() > deadline) throw new SigrunError("TIMEOUT", `${o.name}: no receipt in time`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}
