import { readReceiptUnverified } from "../receipt.js";

/** What a fan-out submission waits for: a number of receipts, or one from each of these hosts. */
export interface Expectation {
  /** Receipts to wait for (used when `hosts` is not given); 0 = do not wait. */
  readonly count: number;
  /** Hosts expected to answer (known members of the group, or the one target host). */
  readonly hosts?: readonly string[];
}

/** How many receipts an expectation stands for (the N of "k of N"). */
export function expectedCount(e: Expectation): number {
  return e.hosts ? e.hosts.length : e.count;
}

/**
 * Collects the receipts of one submission (matched by the SHA-256 of the submitted bytes), one per host and
 * job, in arrival order, and says when the expectation is met.
 */
export class ReceiptCollector {
  readonly receipts: Uint8Array[] = [];
  private readonly seen = new Set<string>();
  private readonly hosts: string[] = [];

  constructor(
    private readonly submissionSha256: string,
    private readonly expect: Expectation,
  ) {}

  /** Takes a receipt if it answers this submission and is new; returns its host id, or undefined. */
  offer(receipt: Uint8Array): string | undefined {
    let host: string;
    let key: string;
    try {
      const p = readReceiptUnverified(receipt).predicate;
      if (p.job.submissionSha256 !== this.submissionSha256) return undefined;
      host = p.host.id;
      key = `${host}/${p.job.id}`;
    } catch {
      return undefined; // not a receipt
    }
    if (this.seen.has(key)) return undefined;
    // one receipt per host when waiting for named hosts (a second job of the same host is not a new answer)
    if (this.expect.hosts && this.hosts.includes(host)) return undefined;
    this.seen.add(key);
    this.hosts.push(host);
    this.receipts.push(receipt);
    return host;
  }

  /** Hosts that answered, in order. */
  answered(): readonly string[] {
    return this.hosts;
  }

  /** Expected hosts that have not answered yet (empty when waiting for a count). */
  missing(): string[] {
    return (this.expect.hosts ?? []).filter((h) => !this.hosts.includes(h));
  }

  done(): boolean {
    if (this.expect.hosts) return this.expect.hosts.length > 0 && this.missing().length === 0;
    return this.expect.count > 0 && this.receipts.length >= this.expect.count;
  }
}
