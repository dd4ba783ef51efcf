import {
  chmodSync,
  existsSync,
  type FSWatcher,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  watch,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Agent } from "../agent.js";
import { writeDurable } from "../durable-file.js";
import type { Transport } from "./transport.js";

export interface InboxOptions {
  readonly dir: string;
  /** A file is taken only once its size and mtime have not changed for this long (default 500 ms). */
  readonly settleMs?: number;
  /** Rescan interval, in addition to fs.watch events (default 1000 ms). */
  readonly pollMs?: number;
  /** How long a classic `.tar.gz` waits for its `.sig` before it is rejected (default 30 s). */
  readonly sigWaitMs?: number;
}

/** Receipts the inbox writes, and the job files it moves to done/ and rejected/: readable by the agent's
 * group, where the inbox is shared. */
export const INBOX_FILE_MODE = 0o640;

/** A job file moved beside its receipt gets the receipt's mode (a writer's 0600 or 0644 alike); a file
 * the agent does not own (and may not chmod) keeps its mode. */
function groupReadable(path: string): void {
  try {
    chmodSync(path, INBOX_FILE_MODE);
  } catch {
    // EPERM: another user's file
  }
}
/** Directories the inbox creates (the inbox, done/, rejected/): the group may list and read them. */
export const INBOX_DIR_MODE = 0o750;

const BUNDLE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(sgb|tar\.gz|tgz)$/;

/**
 * Inbox directory transport. Writers copy under a temporary name (a leading dot, or `.tmp`/`.part`) and
 * rename into place; only names ending in `.sgb`, `.tar.gz` or `.tgz` (with `<name>.sig` for the classic
 * openssl form) are taken, and only once unchanged for `settleMs` — so a file still being written by a
 * tool that writes in place is never read early. After its receipt is durable a file moves to `done/` or
 * `rejected/` with `<name>.receipt.json` beside it; until then it stays in the inbox (a crash loses nothing).
 */
export class InboxTransport implements Transport {
  readonly name = "inbox";
  private agent: Agent | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly seen = new Map<string, { size: number; mtimeMs: number; since: number }>();
  private readonly busy = new Set<string>();
  private readonly jobs = new Set<Promise<void>>();
  private scanning = false;
  private rescan = false;
  private stopped = false;

  constructor(private readonly opts: InboxOptions) {}

  describe(): string {
    return `inbox ${this.opts.dir}`;
  }

  async start(agent: Agent): Promise<void> {
    this.agent = agent;
    for (const d of [this.opts.dir, join(this.opts.dir, "done"), join(this.opts.dir, "rejected")])
      mkdirGroupReadable(d);
    try {
      this.watcher = watch(this.opts.dir, () => this.kick());
      this.watcher.on("error", () => undefined);
    } catch {
      // polling alone still works
    }
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.jobs]);
  }

  /** Scans now (tests and fs.watch); overlapping calls coalesce. */
  kick(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    try {
      this.scan();
    } finally {
      this.scanning = false;
    }
    if (this.rescan) {
      this.rescan = false;
      setTimeout(() => this.kick(), 20).unref();
    }
  }

  private scan(): void {
    const settle = this.opts.settleMs ?? 500;
    const now = Date.now();
    let names: string[];
    try {
      names = readdirSync(this.opts.dir);
    } catch {
      return;
    }
    const present = new Set(names);
    for (const k of this.seen.keys()) if (!present.has(k)) this.seen.delete(k);
    let waiting = false;
    for (const name of names) {
      if (!BUNDLE_RE.test(name) || this.busy.has(name)) continue;
      const st = statSync(join(this.opts.dir, name), { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      const prev = this.seen.get(name);
      if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
        this.seen.set(name, { size: st.size, mtimeMs: st.mtimeMs, since: now });
        waiting = true;
        continue;
      }
      if (now - prev.since < settle || now - st.mtimeMs < settle) {
        waiting = true;
        continue;
      }
      const classic = !name.endsWith(".sgb");
      const sigPath = join(this.opts.dir, `${name.replace(/\.(tar\.gz|tgz)$/, "")}.sig`);
      if (classic && !existsSync(sigPath) && now - prev.since < (this.opts.sigWaitMs ?? 30_000)) {
        waiting = true;
        continue;
      }
      this.busy.add(name);
      const job = this.take(name, st.size, classic ? sigPath : undefined).finally(() => {
        this.busy.delete(name);
        this.seen.delete(name);
        this.jobs.delete(job);
      });
      this.jobs.add(job);
    }
    if (waiting) setTimeout(() => this.kick(), Math.min(settle, 250)).unref();
  }

  private async take(name: string, size: number, sigPath: string | undefined): Promise<void> {
    const agent = this.agent!;
    const path = join(this.opts.dir, name);
    try {
      const tooLarge = size > agent.maxBundleBytes;
      const bytes = tooLarge ? new Uint8Array(0) : new Uint8Array(readFileSync(path));
      let sig: Uint8Array | undefined;
      if (sigPath !== undefined)
        sig = existsSync(sigPath) ? new Uint8Array(readFileSync(sigPath)) : new Uint8Array(0);
      const r = await agent.submit({ bytes, sig, tooLarge, transport: "inbox" });
      const dest = join(
        this.opts.dir,
        r.status === "succeeded" || r.status === "failed" ? "done" : "rejected",
      );
      const target = uniqueName(dest, name);
      writeDurable(join(dest, `${target}.receipt.json`), r.receipt, dest, INBOX_FILE_MODE);
      renameSync(path, join(dest, target));
      groupReadable(join(dest, target));
      if (sigPath !== undefined && existsSync(sigPath)) {
        renameSync(sigPath, join(dest, `${target}.sig`));
        groupReadable(join(dest, `${target}.sig`));
      }
    } catch (err) {
      process.stderr.write(`sigrun agent: inbox ${name}: ${(err as Error).message}\n`);
    }
  }
}

/**
 * Creates `dir` (and missing parents) with mode 0750 whatever the umask; a directory that already exists
 * keeps the mode its owner gave it (a shared inbox is often 2770 so writers of the group can drop files).
 */
function mkdirGroupReadable(dir: string): void {
  const target = resolve(dir);
  const first = mkdirSync(target, { recursive: true, mode: INBOX_DIR_MODE });
  if (first === undefined) return;
  for (let d = target; ; d = dirname(d)) {
    chmodSync(d, INBOX_DIR_MODE);
    if (d === first || dirname(d) === d) break;
  }
}

/** `name`, or `name.1`, `name.2`… if a file of that name already sits in `dir`. */
function uniqueName(dir: string, name: string): string {
  if (!existsSync(join(dir, name)) && !existsSync(join(dir, `${name}.receipt.json`))) return name;
  for (let i = 1; i < 10_000; i++) {
    const n = `${name}.${i}`;
    if (!existsSync(join(dir, n))) return n;
  }
  return `${name}.${Date.now()}`;
}
