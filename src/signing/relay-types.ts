// Public types of the relay client (src/signing/relay-client.ts).
import type { SigrunError } from "../core/index.js";
import type { RelayLimitsInfo, RelayRole } from "../protocol/index.js";

/** Options of {@link connectRelay}. Every wait is bounded; nothing hangs forever. */
export interface RelayClientOptions {
  /** Access token of a private relay (read it from a file or env var, never argv). */
  token?: string;
  /** Timeout of the connection and of every request (hello, create, join, resume, close). Default 10 s. */
  timeoutMs?: number;
  /** Reconnect and resume after a dropped socket, within the relay's grace window. Default true. */
  autoResume?: boolean;
  /** Events kept for {@link RelayClient.next} / async iteration before the client fails. Default 4096. */
  maxQueuedEvents?: number;
  /** Bytes of `send` calls kept while reconnecting. Default 1 MiB. */
  maxPendingBytes?: number;
  /** Protocol version announced in `hello` (tests only). Default 1. */
  version?: number;
  /** PEM CA certificate(s) to trust for a `wss://` relay with a private CA (default: system roots). */
  ca?: string | Uint8Array;
}

/** What the relay announced in `welcome`; `motd` is already stripped of control characters. */
export interface RelayWelcome {
  version: number;
  limits: RelayLimitsInfo;
  motd: string | null;
}

/** The session this client belongs to. Keep `resumeToken` secret: it lets a socket take over the role. */
export interface RelaySessionInfo {
  session: string;
  role: RelayRole;
  /** Unix milliseconds: the join deadline while waiting for the peer, then the session's end. */
  expiresAt: number;
  resumeToken: string;
  /** The other peer's `context` bytes (for the joiner: the creator's; for the creator: set on peer_joined). */
  peerContext: Uint8Array | null;
}

/** Events of a relay connection, in arrival order. `closed` is always the last one. */
export type RelayEvent =
  | { type: "peer_joined"; context: Uint8Array | null; expiresAt: number }
  | { type: "data"; data: Uint8Array }
  | { type: "peer_left"; graceSeconds: number }
  | { type: "peer_back" }
  | { type: "resumed" }
  | { type: "closed"; reason: string; by: "self" | "peer" | "relay" }
  | { type: "error"; error: SigrunError; retryable: boolean };
