import { randomBytes, secretsEqual, sha256Hex, toBase64Url } from "../core/index.js";
import type { RelayBackend } from "./backend.js";
import type { RelayLogger } from "./log.js";
import type { RelayMetrics } from "./metrics.js";
import type { RelayLimits } from "./options.js";
import { IpTable } from "./rate-limit.js";

/** Random id as unpadded base64url (16 bytes → 22 chars, 32 bytes → 43 chars). */
export function randomToken(bytes: number): string {
  return toBase64Url(randomBytes(bytes));
}

/** Resume tokens are stored as SHA-256 hex, so a leaked record does not leak a usable token. */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

/** Constant-time comparison of two strings (for the access token). */
export function sameSecret(a: string, b: string): boolean {
  return secretsEqual(a, b);
}

/**
 * Per-node state shared by every connection: backend, limits, metrics, per-IP table, sweep timers and
 * the count of sessions that have a peer on this node. Created by `startRelay`; no module-level state.
 */
export class RelayNode {
  readonly ips: IpTable;
  /** key → number of local sockets bound to it. */
  readonly local = new Map<string, number>();
  #timers = new Map<string, Map<number, NodeJS.Timeout>>();
  #closed = false;
  #inflight = new Set<Promise<unknown>>();

  constructor(
    readonly backend: RelayBackend,
    readonly limits: RelayLimits,
    readonly metrics: RelayMetrics,
    readonly log: RelayLogger,
    readonly opts: { motd: string | null; accessToken?: string; logIps: boolean; now: () => number },
  ) {
    this.ips = new IpTable(limits);
  }

  now(): number {
    return this.opts.now();
  }

  /** The IP as logged: only with --log-ips. */
  logIp(ip: string): Record<string, string> {
    return this.opts.logIps ? { ip } : {};
  }

  bindLocal(key: string): void {
    this.local.set(key, (this.local.get(key) ?? 0) + 1);
  }

  unbindLocal(key: string): void {
    const n = (this.local.get(key) ?? 0) - 1;
    if (n <= 0) {
      this.local.delete(key);
      this.clearSweeps(key);
    } else this.local.set(key, n);
  }

  /** Runs `backend.sweep` at `at` (unix ms), which closes the session if a deadline passed. */
  scheduleSweep(key: string, at: number): void {
    if (this.#closed) return;
    let m = this.#timers.get(key);
    if (!m) this.#timers.set(key, (m = new Map()));
    if (m.has(at)) return;
    const delay = Math.max(0, at - this.now()) + 5;
    const t = setTimeout(() => {
      m.delete(at);
      if (m.size === 0 && this.#timers.get(key) === m) this.#timers.delete(key);
      this.backend.sweep(key, this.now()).catch((err) => this.log("sweep_failed", { error: String(err) }));
    }, delay);
    t.unref();
    m.set(at, t);
  }

  clearSweeps(key: string): void {
    const m = this.#timers.get(key);
    if (!m) return;
    for (const t of m.values()) clearTimeout(t);
    this.#timers.delete(key);
  }

  /** Keeps track of a backend operation that must finish before the backend is shut down. */
  track(p: Promise<unknown>): void {
    const q = p
      .catch((err) => this.log("backend_op_failed", { error: String(err) }))
      .finally(() => this.#inflight.delete(q));
    this.#inflight.add(q);
  }

  /** Waits (bounded) for tracked operations, e.g. the `leave`s of sockets closed at shutdown. */
  async drain(timeoutMs = 2000): Promise<void> {
    await Promise.race([
      Promise.allSettled([...this.#inflight]),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
  }

  shutdown(): void {
    this.#closed = true;
    for (const m of this.#timers.values()) for (const t of m.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
