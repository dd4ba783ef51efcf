/** A token bucket: `take()` spends one token if available. Time comes from the caller. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  take(now: number, n = 1): boolean {
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.perSecond);
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** True when the bucket is full again (the entry can be forgotten). */
  idle(now: number): boolean {
    return this.#tokens + (Math.max(0, now - this.#last) / 1000) * this.perSecond >= this.burst;
  }
}

interface IpState {
  connections: number;
  sessions: number;
  connect: TokenBucket;
  sessionOps: TokenBucket;
}

/** Per-IP counters and rate buckets. Entries are dropped once idle, so memory stays bounded by activity. */
export class IpTable {
  #m = new Map<string, IpState>();
  constructor(
    readonly limits: {
      connectRatePerIp: { perSecond: number; burst: number };
      sessionOpRatePerIp: { perSecond: number; burst: number };
    },
  ) {}

  get(ip: string, now: number): IpState {
    let s = this.#m.get(ip);
    if (!s) {
      const l = this.limits;
      s = {
        connections: 0,
        sessions: 0,
        connect: new TokenBucket(l.connectRatePerIp.perSecond, l.connectRatePerIp.burst, now),
        sessionOps: new TokenBucket(l.sessionOpRatePerIp.perSecond, l.sessionOpRatePerIp.burst, now),
      };
      this.#m.set(ip, s);
    }
    return s;
  }

  /** Forgets entries with no sockets, no sessions and full buckets. */
  prune(now: number): void {
    for (const [ip, s] of this.#m) {
      if (s.connections === 0 && s.sessions === 0 && s.connect.idle(now) && s.sessionOps.idle(now))
        this.#m.delete(ip);
    }
  }

  get size(): number {
    return this.#m.size;
  }
}
