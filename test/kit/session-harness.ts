import { randomBytes } from "node:crypto";
import { SigrunError, toBase64Url } from "../../src/core/index.js";
import { fileSigner, generateKey, publicKeyInfo, type Signer } from "../../src/keys/index.js";
import { x25519Generate } from "../../src/session/index.js";
import type { Decision, RelayLike, RequestReview } from "../../src/signing/index.js";
import type { RelayEvent } from "../../src/signing/relay-client.js";

/**
 * An in-memory relay for session/signing tests, with hooks that let a test act as a malicious relay:
 * rewrite, drop, duplicate, reorder or reflect frames, substitute the signer's handshake, and inject
 * fake events. Real-relay end-to-end tests live in test/security/signing-e2e-*.test.ts.
 */
export type Dir = "a2b" | "b2a";
export interface Hooks {
  /** Called per data frame; returns the frames to deliver (to the normal recipient unless `reflect`). */
  frame?: (dir: Dir, data: Uint8Array, index: number) => { deliver: Uint8Array[]; reflect?: boolean };
  /** Rewrites the signer's join context (its handshake) before the initiator sees it. */
  joinContext?: (ctx: Uint8Array | undefined) => Uint8Array | undefined;
  maxFrameBytes?: number;
}

class End implements RelayLike {
  readonly welcome;
  readonly bufferedAmount = 0;
  role: "a" | "b" | undefined;
  peerContext: Uint8Array | null = null;
  #queue: RelayEvent[] = [];
  #waiters: Array<(e: RelayEvent) => void> = [];
  closed = false;
  constructor(readonly relay: MemoryRelay) {
    this.welcome = { limits: { maxFrameBytes: relay.hooks.maxFrameBytes ?? 64 * 1024 }, motd: null };
  }
  push(ev: RelayEvent): void {
    if (this.closed) return;
    if (ev.type === "peer_joined") this.peerContext = ev.context;
    if (ev.type === "closed") this.closed = true;
    const w = this.#waiters.shift();
    if (w) w(ev);
    else this.#queue.push(ev);
  }
  async create() {
    this.role = "a";
    return { session: this.relay.create(this), expiresAt: Date.now() + 60_000 };
  }
  async join(session: string, context?: Uint8Array) {
    this.role = "b";
    this.relay.join(session, this, context);
    return { session, expiresAt: Date.now() + 60_000 };
  }
  async waitForPeer(opts: { timeoutMs: number }): Promise<Uint8Array | null> {
    const i = this.#queue.findIndex((e) => e.type === "peer_joined");
    if (i >= 0) return (this.#queue.splice(i, 1)[0] as { context: Uint8Array | null }).context;
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const ev = await this.next({ timeoutMs: Math.max(0, deadline - Date.now()) });
      if (ev.type === "peer_joined") return ev.context;
      if (ev.type === "closed") throw new SigrunError("RELAY_UNAVAILABLE", "closed");
    }
  }
  send(data: Uint8Array): void {
    if (this.closed) throw new SigrunError("RELAY_UNAVAILABLE", "closed");
    this.relay.route(this, data);
  }
  next(opts: { timeoutMs?: number } = {}): Promise<RelayEvent> {
    const q = this.#queue.shift();
    if (q) return Promise.resolve(q);
    if (this.closed) return Promise.reject(new SigrunError("RELAY_UNAVAILABLE", "closed"));
    return new Promise((resolve, reject) => {
      let t: NodeJS.Timeout | undefined;
      const w = (e: RelayEvent) => {
        if (t) clearTimeout(t);
        resolve(e);
      };
      if (opts.timeoutMs !== undefined)
        t = setTimeout(() => {
          this.#waiters = this.#waiters.filter((x) => x !== w);
          reject(new SigrunError("TIMEOUT", "no event"));
        }, opts.timeoutMs);
      this.#waiters.push(w);
    });
  }
  async close(reason = "done") {
    if (this.closed) return;
    const peer = this.relay.peerOf(this);
    setImmediate(() => peer?.push({ type: "closed", reason, by: "peer" }));
    this.push({ type: "closed", reason, by: "self" });
  }
}

export class MemoryRelay {
  readonly hooks: Hooks;
  a: End | undefined;
  b: End | undefined;
  session = toBase64Url(randomBytes(16));
  counts = { a2b: 0, b2a: 0 };
  constructor(hooks: Hooks = {}) {
    this.hooks = hooks;
  }
  end(): End {
    return new End(this);
  }
  create(e: End): string {
    this.a = e;
    return this.session;
  }
  join(session: string, e: End, context?: Uint8Array): void {
    if (session !== this.session || !this.a) throw new SigrunError("SESSION_NOT_FOUND", "no such session");
    this.b = e;
    const ctx = this.hooks.joinContext ? this.hooks.joinContext(context) : context;
    this.a.push({ type: "peer_joined", context: ctx ?? null, expiresAt: Date.now() + 60_000 });
  }
  peerOf(e: End): End | undefined {
    return e === this.a ? this.b : this.a;
  }
  route(from: End, data: Uint8Array): void {
    const dir: Dir = from === this.a ? "a2b" : "b2a";
    const index = this.counts[dir]++;
    const out = this.hooks.frame ? this.hooks.frame(dir, data, index) : { deliver: [data] };
    const to = out.reflect ? from : this.peerOf(from);
    for (const d of out.deliver) setImmediate(() => to?.push({ type: "data", data: d }));
  }
}

export interface Fixture {
  signer: Signer;
  signerPub: ReturnType<typeof publicKeyInfo>;
  kex: ReturnType<typeof x25519Generate>;
}

export function fixture(type: "ed25519" | "p256" = "ed25519"): Fixture {
  const k = generateKey(type);
  return { signer: fileSigner(k.privateKey), signerPub: publicKeyInfo(k.publicKey), kex: x25519Generate() };
}

export const approveAll = async (_r: RequestReview): Promise<Decision> => ({
  approved: true,
  reason: "test",
  by: "test",
});
export const rejectAll = async (_r: RequestReview): Promise<Decision> => ({
  approved: false,
  reason: "no thanks",
  by: "human",
});

/** Resolves to the error code (or "ok") of a promise. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? `uncoded: ${String(err)}`;
  }
}

export interface PairOptions {
  mode?: "public-key" | "shared-secret";
  secretA?: string;
  secretB?: string;
  items?: { name: string; data: Uint8Array; format: "raw" | "ssh" | "openpgp" | "bundle" }[];
  approve?: (r: RequestReview, opts?: { signal: AbortSignal }) => Promise<Decision>;
  signerFx?: Fixture;
  /** The key the initiator pins (default: the signer's). */
  pinned?: ReturnType<typeof publicKeyInfo>;
  /** Wraps the signer's Signer (e.g. to make it misbehave). */
  wrapSigner?: (s: Signer) => Signer;
  joinTimeoutMs?: number;
  responseTimeoutMs?: number;
  idleTimeoutMs?: number;
  reviewSession?: boolean;
  handshakeTimeoutMs?: number;
  /** Initiator: obtains a provenance token for the audience. */
  provenance?: (audience: string) => Promise<string>;
  /** Initiator: aborts the session (Ctrl-C) and its all-or-nothing mode. */
  initiatorSignal?: AbortSignal;
  allOrNothing?: boolean;
  /** Signer: verifies provenance tokens. */
  signerProvenance?: {
    verify: (
      token: string,
      audience: string,
    ) => Promise<import("../../src/signing/index.js").ProvenanceClaims>;
    required: boolean;
  };
}

/** Runs an initiator and a signer against `relay`; resolves both outcomes (codes) and outputs. */
export async function runPair(relay: MemoryRelay, o: PairOptions = {}) {
  const { runInitiator, runSigner } = await import("../../src/signing/index.js");
  const fx = o.signerFx ?? fixture();
  const mode = o.mode ?? "public-key";
  const enc = new TextEncoder();
  let joinBytes: Uint8Array | undefined;
  let joinedResolve: (b: Uint8Array) => void = () => {};
  const joinReady = new Promise<Uint8Array>((r) => (joinedResolve = r));
  const items = o.items ?? [{ name: "a.txt", data: enc.encode("hello world\n"), format: "raw" as const }];
  let outputs: (Uint8Array | undefined)[] = [];
  let declined: { index: number; code: string }[] = [];
  const sas: string[] = [];
  const initiator = runInitiator({
    relay: relay.end(),
    relayUrl: "ws://127.0.0.1:9/",
    mode:
      mode === "public-key"
        ? { kind: "public-key", signerKex: fx.kex.publicRaw }
        : { kind: "shared-secret", secret: enc.encode(o.secretA ?? "test secret 1234") },
    signerKey: o.pinned ?? fx.signerPub,
    items,
    context: "test/repo run 1",
    joinTimeoutMs: o.joinTimeoutMs ?? 5000,
    responseTimeoutMs: o.responseTimeoutMs ?? 5000,
    onJoinString: (j) => {
      joinBytes = j.bytes;
      joinedResolve(j.bytes);
    },
    onJoined: (s) => sas.push(s),
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? 2000,
    ...(o.provenance ? { provenance: o.provenance } : {}),
    ...(o.initiatorSignal ? { signal: o.initiatorSignal } : {}),
    ...(o.allOrNothing ? { allOrNothing: true } : {}),
  }).then((r) => {
    outputs = r.outputs;
    declined = r.declined;
  });
  const signer = joinReady.then((bytes) =>
    runSigner({
      joinBytes: bytes,
      secrets:
        mode === "public-key"
          ? { kexKey: fx.kex.privateKey }
          : { secret: enc.encode(o.secretB ?? o.secretA ?? "test secret 1234") },
      signer: o.wrapSigner ? o.wrapSigner(fx.signer) : fx.signer,
      connect: async () => relay.end(),
      reviewSession: async () => o.reviewSession ?? true,
      approve: o.approve ?? approveAll,
      idleTimeoutMs: o.idleTimeoutMs ?? 5000,
      handshakeTimeoutMs: o.handshakeTimeoutMs ?? 2000,
      dataTimeoutMs: o.idleTimeoutMs ?? 5000,
      onJoined: (s) => sas.push(s),
      ...(o.signerProvenance ? { provenance: o.signerProvenance } : {}),
    }),
  );
  const [initiatorCode, signerCode] = await Promise.all([codeOf(initiator), codeOf(signer)]);
  return {
    initiatorCode,
    signerCode,
    outputs,
    declined,
    fx,
    joinBytes,
    sas,
    signerResult: await signer.catch(() => undefined),
  };
}
