import type { RelayRole } from "../protocol/index.js";
import type { Delivery } from "./delivery.js";

/**
 * A session as the backend stores it. `key` is namespaced (`v1:<id>` or `rc:<id>`). Resume tokens are
 * stored as SHA-256 hex, contexts as the opaque strings peers sent; no payload is ever stored except
 * while buffered for a peer that is away (bounded, deleted on resume, close or expiry).
 */
export interface SessionRecord {
  joined: boolean;
  /** Unix ms: join deadline until joined, then the session's end. */
  expiresAt: number;
  /** Unix ms: creation + session TTL. */
  maxExpiresAt: number;
  tokenA: string;
  tokenB: string;
  contextA: string;
  contextB: string;
  /** Connection ids holding each role; "" = away (or not joined yet for b). */
  connA: string;
  connB: string;
  /** Unix ms until which an away role may resume; 0 = present. */
  graceA: number;
  graceB: number;
}

/** Why an operation was refused (all are protocol error codes). */
export type BackendFailure =
  | "SESSION_NOT_FOUND"
  | "SESSION_FULL"
  | "SESSION_EXPIRED"
  | "UNAUTHORIZED"
  | "PROTOCOL_ERROR"
  | "LIMIT_EXCEEDED";

export type Result<T> = { ok: true; value: T } | { ok: false; code: BackendFailure };

/** Caps applied when a delivery must be buffered for an away peer. */
export interface BufferCaps {
  maxFrames: number;
  maxBytes: number;
}

/** Receives deliveries for one role of one session; `conn` is the connection they are meant for. */
export type DeliveryHandler = (conn: string, delivery: Delivery) => void;

/**
 * Shared session state plus routing between relay nodes. Every operation is atomic, checks expiry and
 * grace deadlines first (closing the session when they passed), and delivers to the role's current
 * connection, or buffers (bounded) while that role is away.
 */
export interface RelayBackend {
  readonly kind: "memory" | "redis";
  /** Creates a record unless the key exists (never overwrites). Returns false if it exists. */
  create(key: string, rec: SessionRecord, now: number): Promise<boolean>;
  /** Joins as role b (exactly once); delivers `peer_joined` to a. */
  join(
    key: string,
    b: { token: string; context: string; conn: string },
    now: number,
  ): Promise<Result<SessionRecord>>;
  /** Takes over a role with its token; evicts an older socket; returns what was buffered. */
  resume(
    key: string,
    role: RelayRole,
    token: string,
    conn: string,
    now: number,
  ): Promise<Result<{ rec: SessionRecord; buffered: Delivery[] }>>;
  /** The role's socket went away: start its grace period (or close when graceMs is 0). */
  leave(key: string, role: RelayRole, conn: string, now: number, graceMs: number): Promise<void>;
  /** Forwards data from `role` (held by `conn`) to the other role. */
  send(
    key: string,
    role: RelayRole,
    conn: string,
    data: Uint8Array,
    now: number,
    caps: BufferCaps,
  ): Promise<Result<void>>;
  /** Closes a session: `by` a role holder (checked against `conn`), or by the relay (role null). */
  close(
    key: string,
    role: RelayRole | null,
    conn: string,
    reason: string,
    now: number,
  ): Promise<Result<void>>;
  /** Closes the session if its deadline or a grace period passed. */
  sweep(key: string, now: number): Promise<void>;
  /** Subscribes to deliveries for a role; resolves once active. Returns the unsubscribe function. */
  subscribe(key: string, role: RelayRole, handler: DeliveryHandler): Promise<() => void>;
  /** Whether the backend is reachable (for /healthz). */
  healthy(): Promise<boolean>;
  shutdown(): Promise<void>;
}
