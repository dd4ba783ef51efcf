// Fleet heartbeats (docs/spec/fleet-heartbeat.md): an agent on a queue transport announces itself with a
// DSSE envelope signed by its receipt key; `sigrun fleet ls` and `submit --group` read them back.
import {
  canonicalJson,
  encodeEnvelope,
  envelopePayload,
  fromBase64,
  pae,
  parseEnvelope,
  SigrunError,
  sigrunVersion,
  toBase64,
  utf8Decode,
  utf8Encode,
} from "../core/index.js";
import { type PublicKeyInfo, rawVerify, type Signer } from "../keys/index.js";

export const HEARTBEAT_PAYLOAD_TYPE = "application/vnd.sigrun.heartbeat+json";
export const HEARTBEAT_TYPE = "https://sigrun.dev/heartbeat/v1";
/** How often an agent announces itself unless configured otherwise. */
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** How long the queue keeps a host's last heartbeat (a host silent this long disappears from listings). */
export const HEARTBEAT_KEEP_SECONDS = 7 * 24 * 3600;
/** A host is live when its last heartbeat is at most this many intervals old (plus LIVE_SLACK_MS). */
export const LIVE_INTERVALS = 3;
export const LIVE_SLACK_MS = 5_000;
const MAX_HEARTBEAT_BYTES = 16 * 1024;
const MAX_GROUPS = 64;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const KEYID_RE = /^sha256:[0-9a-f]{64}$/;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface Heartbeat {
  readonly type: typeof HEARTBEAT_TYPE;
  readonly host: { readonly id: string; readonly keyId: string; readonly groups: readonly string[] };
  readonly agent: { readonly version: string };
  readonly transport: "nats" | "redis";
  readonly state: "running" | "stopped";
  readonly startedAt: string;
  readonly lastSeen: string;
  readonly intervalMs: number;
}

/** Signs a heartbeat into DSSE envelope bytes (canonical JSON, no trailing newline). */
export async function signHeartbeat(hb: Heartbeat, signer: Signer): Promise<Uint8Array> {
  const payload = utf8Encode(canonicalJson(hb));
  const sig = await signer.sign(pae(HEARTBEAT_PAYLOAD_TYPE, payload));
  return encodeEnvelope({
    payloadType: HEARTBEAT_PAYLOAD_TYPE,
    payload: toBase64(payload),
    signatures: [{ keyid: signer.publicKey.keyId, sig: toBase64(sig) }],
  });
}

function bad(why: string): SigrunError {
  return new SigrunError("INPUT_INVALID", `heartbeat: ${why}`);
}

function parsePayload(bytes: Uint8Array): Heartbeat {
  let v: unknown;
  try {
    v = JSON.parse(utf8Decode(bytes, "heartbeat"));
  } catch {
    throw bad("payload is not JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad("expected an object");
  const o = v as Record<string, unknown>;
  const keys = "agent,host,intervalMs,lastSeen,startedAt,state,transport,type";
  if (Object.keys(o).sort().join(",") !== keys) throw bad(`expected exactly ${keys}`);
  if (o.type !== HEARTBEAT_TYPE) throw bad(`type: expected ${HEARTBEAT_TYPE}`);
  const h = o.host as Record<string, unknown> | null;
  if (typeof h !== "object" || h === null || Object.keys(h).sort().join(",") !== "groups,id,keyId")
    throw bad("host: expected {id, keyId, groups}");
  if (typeof h.id !== "string" || !NAME_RE.test(h.id)) throw bad("host.id: not a host id");
  if (typeof h.keyId !== "string" || !KEYID_RE.test(h.keyId)) throw bad("host.keyId: not sha256:<hex>");
  if (
    !Array.isArray(h.groups) ||
    h.groups.length > MAX_GROUPS ||
    h.groups.some((g) => typeof g !== "string" || !NAME_RE.test(g))
  )
    throw bad("host.groups: expected at most 64 group names");
  const a = o.agent as Record<string, unknown> | null;
  if (typeof a !== "object" || a === null || Object.keys(a).join(",") !== "version")
    throw bad("agent: expected {version}");
  if (typeof a.version !== "string" || a.version.length === 0 || a.version.length > 64)
    throw bad("agent.version: expected 1 to 64 characters");
  if (o.transport !== "nats" && o.transport !== "redis") throw bad("transport: expected nats or redis");
  if (o.state !== "running" && o.state !== "stopped") throw bad("state: expected running or stopped");
  for (const k of ["startedAt", "lastSeen"] as const)
    if (typeof o[k] !== "string" || !TIME_RE.test(o[k] as string) || Number.isNaN(Date.parse(o[k] as string)))
      throw bad(`${k}: expected an RFC 3339 UTC time with milliseconds`);
  if (
    !Number.isSafeInteger(o.intervalMs) ||
    (o.intervalMs as number) < 1000 ||
    (o.intervalMs as number) > 86_400_000
  )
    throw bad("intervalMs: expected 1000 to 86400000");
  return o as unknown as Heartbeat;
}

/** How far a listed entry can be trusted. */
export type HeartbeatTrust = "verified" | "unverified" | "bad-signature";

export interface FleetEntry {
  readonly heartbeat: Heartbeat;
  /** verified: signed by the key given for this host id; unverified: no key was given for it;
   * bad-signature: a key was given and the signature does not verify with it (spoofed or rotated). */
  readonly trust: HeartbeatTrust;
  /** now − lastSeen (never negative). */
  readonly ageMs: number;
  /** Running and heard from within LIVE_INTERVALS intervals. */
  readonly live: boolean;
}

/**
 * Reads one heartbeat (envelope bytes as stored on the queue). `keyFor(hostId)` gives the host's receipt
 * public key when the caller knows it; the signature is then checked against it. Throws INPUT_INVALID on
 * a malformed record.
 */
export function readHeartbeat(
  bytes: Uint8Array,
  keyFor: (hostId: string) => PublicKeyInfo | undefined,
  now: number,
): FleetEntry {
  const env = parseEnvelope(bytes, {
    maxBytes: MAX_HEARTBEAT_BYTES,
    minSignatures: 1,
    maxSignatures: 1,
    code: "INPUT_INVALID",
    what: "heartbeat envelope",
  });
  if (env.payloadType !== HEARTBEAT_PAYLOAD_TYPE)
    throw bad(`payloadType: expected ${HEARTBEAT_PAYLOAD_TYPE}`);
  const payload = envelopePayload(env);
  const hb = parsePayload(payload);
  const sig = env.signatures[0]!;
  let trust: HeartbeatTrust = "unverified";
  const key = keyFor(hb.host.id);
  if (key) {
    let ok = false;
    try {
      ok =
        sig.keyid === key.keyId &&
        hb.host.keyId === key.keyId &&
        rawVerify(key.algorithm, key.keyObject, pae(env.payloadType, payload), fromBase64(sig.sig, "sig"));
    } catch {
      ok = false;
    }
    trust = ok ? "verified" : "bad-signature";
  }
  const ageMs = Math.max(0, now - Date.parse(hb.lastSeen));
  const live = hb.state === "running" && ageMs <= LIVE_INTERVALS * hb.intervalMs + LIVE_SLACK_MS;
  return { heartbeat: hb, trust, ageMs, live };
}

/**
 * Announces the agent every `intervalMs` through `publish` (the transport's queue), and once more as
 * `stopped` when stopped. A failed publish is reported through `warn` and retried at the next tick.
 */
export class HeartbeatLoop {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();
  private readonly version = sigrunVersion();
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: {
      readonly hostId: string;
      readonly groups: readonly string[];
      readonly signer: Signer;
      readonly transport: Heartbeat["transport"];
      readonly intervalMs: number;
      readonly publish: (hostId: string, envelope: Uint8Array) => Promise<void>;
      readonly warn: (message: string) => void;
    },
  ) {}

  /** Publishes the first heartbeat and starts the timer. A queue that refuses heartbeats (e.g. no publish
   * permission on the fleet subject) costs the listing, not the jobs: it is reported, the agent runs on. */
  async start(): Promise<void> {
    await this.beat("running").catch((err) => this.o.warn(`heartbeat: ${(err as Error).message}`));
    this.timer = setInterval(() => {
      this.last = this.beat("running").catch((err) => this.o.warn(`heartbeat: ${(err as Error).message}`));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and announces `stopped` (best effort). */
  async stop(): Promise<void> {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.last;
    await this.beat("stopped").catch(() => undefined);
  }

  private async beat(state: Heartbeat["state"]): Promise<void> {
    const hb: Heartbeat = {
      type: HEARTBEAT_TYPE,
      host: { id: this.o.hostId, keyId: this.o.signer.publicKey.keyId, groups: [...this.o.groups] },
      agent: { version: this.version },
      transport: this.o.transport,
      state,
      startedAt: this.startedAt,
      lastSeen: new Date().toISOString(),
      intervalMs: this.o.intervalMs,
    };
    await this.o.publish(this.o.hostId, await signHeartbeat(hb, this.o.signer));
  }
}
