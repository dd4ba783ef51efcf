import { sha256Hex } from "../../core/index.js";
import { S3Client, type S3Object, s3ConfigFromUrl } from "../../store/index.js";
import type { Agent } from "../agent.js";
import type { Transport } from "./transport.js";

export interface S3TransportOptions {
  /** `s3://bucket/prefix` — bundles are the objects directly under the prefix. */
  readonly url: string;
  /** S3-compatible endpoint (else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / AWS). */
  readonly endpoint?: string;
  /** Listing interval (default 2000 ms). */
  readonly pollMs?: number;
  /** How long a classic `.tar.gz` waits for its `.sig` before it is rejected (default 30 s). */
  readonly sigWaitMs?: number;
  /** AWS_* credentials (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

const BUNDLE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(sgb|tar\.gz|tgz)$/;

/**
 * S3 transport, for the seed's `aws s3 cp bundle.tar.gz s3://rex-bundles/` flow: polls the prefix, takes
 * `*.sgb` and `*.tar.gz` + `*.sig` pairs, runs them through the agent, and writes `<name>.receipt.json`
 * next to the bundle. An object is never run twice: a bundle with a receipt beside it is skipped, the
 * transport remembers what it took (key, size, ETag-free content digest), and the agent's own replay
 * set rejects a bundle id (or classic bundle digest) it has seen.
 */
export class S3Transport implements Transport {
  readonly name = "s3";
  private agent: Agent | undefined;
  private s3: S3Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly taken = new Set<string>();
  private readonly firstSeen = new Map<string, number>();
  private stopped = false;

  constructor(private readonly opts: S3TransportOptions) {}

  describe(): string {
    return `s3 ${this.opts.url}`;
  }

  async start(agent: Agent): Promise<void> {
    this.agent = agent;
    this.s3 = new S3Client(s3ConfigFromUrl(this.opts.url, this.opts.env, this.opts.endpoint));
    await this.s3.list(1); // fail fast on bad credentials or bucket
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 2000);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
  }

  /** Polls now unless a poll is running (tests). Resolves when that poll is done. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.polling ??= this.poll()
      .catch((err: Error) => {
        process.stderr.write(`sigrun agent: s3 ${this.opts.url}: ${err.message}\n`);
      })
      .finally(() => {
        this.polling = undefined;
      });
    return this.polling;
  }

  private async poll(): Promise<void> {
    const s3 = this.s3!;
    const base = s3.key("");
    const objects = new Map<string, S3Object>();
    for (const o of await s3.list()) {
      const name = o.key.slice(base.length);
      if (o.key.startsWith(base) && !name.includes("/")) objects.set(name, o);
    }
    for (const [name, obj] of objects) {
      if (this.stopped) return;
      if (!BUNDLE_RE.test(name) || objects.has(`${name}.receipt.json`)) continue;
      const id = `${name}\0${obj.size}`;
      if (this.taken.has(id)) continue;
      const classic = !name.endsWith(".sgb");
      const sigName = `${name.replace(/\.(tar\.gz|tgz)$/, "")}.sig`;
      if (classic && !objects.has(sigName)) {
        const since = this.firstSeen.get(name) ?? Date.now();
        this.firstSeen.set(name, since);
        if (Date.now() - since < (this.opts.sigWaitMs ?? 30_000)) continue;
      }
      this.taken.add(id);
      this.firstSeen.delete(name);
      await this.take(name, obj, classic ? (objects.has(sigName) ? sigName : null) : undefined);
    }
  }

  private async take(name: string, obj: S3Object, sigName: string | null | undefined): Promise<void> {
    const agent = this.agent!;
    const s3 = this.s3!;
    try {
      const tooLarge = obj.size > agent.maxBundleBytes;
      const bytes = tooLarge
        ? new Uint8Array(0)
        : new Uint8Array(await s3.getBytes(obj.key, agent.maxBundleBytes));
      let sig: Uint8Array | undefined;
      if (sigName !== undefined)
        sig =
          sigName === null
            ? new Uint8Array(0)
            : new Uint8Array(await s3.getBytes(s3.key(sigName), 64 * 1024));
      const r = await agent.submit({ bytes, sig, tooLarge, transport: "s3" });
      const sha = sha256Hex(r.receipt);
      await s3.put(s3.key(`${name}.receipt.json`), r.receipt.byteLength, sha, r.receipt, false);
    } catch (err) {
      process.stderr.write(`sigrun agent: s3 ${name}: ${(err as Error).message}\n`);
    }
  }
}
