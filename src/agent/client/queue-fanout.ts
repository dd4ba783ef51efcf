// `sigrun submit --nats|--redis`: where to publish, whom to wait for (a count, the target host, or the
// group's members known from their heartbeats), and the receipts that came back.
import { SigrunError } from "../../core/index.js";
import { natsSubjects } from "../transports/nats.js";
import { redisKeys } from "../transports/redis.js";
import { expectedMembers, hostKeysDir, listFleet, type QueueTarget } from "./fleet.js";
import type { OnOversized } from "./queue-read.js";
import { natsSubmit, type OnReceipt, redisSubmit } from "./queue-submit.js";

export interface QueueFanoutRequest {
  readonly target: QueueTarget;
  /** NATS subject or Redis stream key given explicitly; else from host/group. */
  readonly subject?: string;
  readonly host?: string;
  readonly group?: string;
  readonly bundle: Uint8Array;
  readonly sig?: Uint8Array;
  readonly wait: boolean;
  /** Receipts to wait for; undefined with a group = the live members announced by heartbeats. */
  readonly count?: number;
  readonly timeoutMs: number;
  /** Directory of `<host-id>.pub`: only members whose heartbeat verifies are expected. */
  readonly hostKeys?: string;
  /** Called once before publishing with the hosts expected (undefined: a count) and how many. */
  readonly onExpected?: (hosts: readonly string[] | undefined, n: number) => void;
  readonly onReceipt?: OnReceipt;
  /** NATS: the bundle was already in JetStream (see NatsSubmitOptions.onDuplicate). */
  readonly onDuplicate?: (storedAt: Date, found: number, missing: readonly string[]) => void;
  /** A record too large to be a receipt was skipped unread (a TOO_LARGE error; queue-read.ts). */
  readonly onOversized?: OnOversized;
}

export interface QueueFanoutResult {
  readonly summary: Record<string, unknown>;
  readonly receipts: Uint8Array[];
  /** The bundle was already in JetStream: `receipts` are the ones issued for it earlier. */
  readonly duplicate: boolean;
  /** Fewer receipts than expected within the timeout. */
  readonly partial?: { readonly got: number; readonly want: number; readonly missing: readonly string[] };
}

/** Publishes to the queue and (with `wait`) collects receipts; see docs/cli.md#submit. */
export async function queueFanout(r: QueueFanoutRequest): Promise<QueueFanoutResult> {
  const t = r.target;
  let subject = r.subject;
  if (subject === undefined && r.host !== undefined)
    subject = t.kind === "nats" ? natsSubjects(t.prefix).host(r.host) : redisKeys(t.prefix).host(r.host);
  if (subject === undefined && r.group !== undefined)
    subject = t.kind === "nats" ? natsSubjects(t.prefix).group(r.group) : redisKeys(t.prefix).group(r.group);
  if (subject === undefined)
    throw new SigrunError(
      "USAGE",
      `submit --${t.kind}: give ${t.kind === "nats" ? "--subject" : "--stream"}, --host or --group`,
    );
  let hosts: string[] | undefined;
  let count = 0;
  if (r.wait) {
    if (r.host !== undefined) hosts = [r.host];
    else if (r.count !== undefined) count = r.count;
    else if (r.group !== undefined) {
      const listing = await listFleet(t, { group: r.group, hostKeys: hostKeysDir(r.hostKeys) });
      hosts = expectedMembers(listing, r.hostKeys !== undefined);
      if (hosts.length === 0)
        throw new SigrunError(
          "HOST_UNKNOWN",
          `no live agent of group ${r.group} announced itself on this queue` +
            `${r.hostKeys !== undefined ? " with a heartbeat that verifies" : ""} (see \`sigrun fleet ls\`); ` +
            "start the agents or give --count N",
        );
    } else if (t.kind === "nats") count = 1;
    else
      throw new SigrunError(
        "USAGE",
        "submit --redis --stream --wait: give --host or --group (whose receipts to read)",
      );
  }
  const n = hosts?.length ?? count;
  if (r.wait) r.onExpected?.(hosts, n);
  const common = {
    bundle: r.bundle,
    sig: r.sig,
    timeoutMs: r.timeoutMs,
    prefix: t.prefix,
    onReceipt: r.onReceipt,
    onOversized: r.onOversized,
    partialOnTimeout: true,
  };
  let receipts: Uint8Array[];
  let timedOut: boolean;
  let duplicate = false;
  const summary: Record<string, unknown> = {};
  if (t.kind === "nats") {
    const res = await natsSubmit({
      ...common,
      url: t.url,
      auth: t.auth,
      stream: t.stream,
      subject,
      waitFor: count,
      expectHosts: hosts,
      onDuplicate: r.onDuplicate,
    });
    ({ receipts, timedOut, duplicate } = res);
    summary.subject = subject;
    summary.duplicate = duplicate;
  } else {
    const k = redisKeys(t.prefix);
    const res = await redisSubmit({
      ...common,
      url: t.url,
      auth: t.auth,
      stream: subject,
      waitHost: r.wait ? r.host : undefined,
      receiptStream:
        r.wait && r.host === undefined && r.group !== undefined ? k.groupReceipts(r.group) : undefined,
      waitFor: count,
      expectHosts: hosts,
    });
    ({ receipts, timedOut } = res);
    summary.stream = subject;
    summary.entry = res.entryId;
  }
  if (r.wait) {
    summary.expected = n;
    if (hosts) summary.expectedHosts = hosts;
    summary.timedOut = timedOut;
  }
  const answered = new Set<string>();
  const { readReceiptUnverified } = await import("../receipt.js");
  for (const x of receipts) answered.add(readReceiptUnverified(x).predicate.host.id);
  const missing = (hosts ?? []).filter((h) => !answered.has(h));
  return {
    summary,
    receipts,
    duplicate,
    partial: timedOut ? { got: receipts.length, want: n, missing } : undefined,
  };
}
