import type { RelayLimitsInfo } from "../protocol/index.js";

/** Every limit of a relay node. All are per node; counts per IP use the socket's peer address. */
export interface RelayLimits {
  /** Largest frame (binary data or text control), bytes. Bigger frames close the socket with 1009. */
  maxFrameBytes: number;
  /** Join-wait TTL: how long a created session waits for its second peer, ms. */
  joinTtlMs: number;
  /** Largest session lifetime from creation, ms. */
  sessionTtlMs: number;
  /** How long a dropped peer may take to resume, ms (0 disables resume). */
  graceMs: number;
  /** Frames and bytes buffered for a peer that is away. */
  maxBufferedFrames: number;
  maxBufferedBytes: number;
  /** Bytes queued on a socket that does not read before the relay drops it as a slow peer. */
  maxSocketBufferBytes: number;
  /** WebSocket ping interval, ms; a socket that misses a pong is terminated at the next ping. */
  pingIntervalMs: number;
  /** A socket must send `hello` within this time, ms. */
  helloTimeoutMs: number;
  /** An HTTP request (including a WebSocket upgrade) must send its headers within this time, ms. */
  httpHeadersTimeoutMs: number;
  /** A socket that is not in a session is closed after this time, ms. */
  unboundTimeoutMs: number;
  /** Concurrent sessions that have a peer on this node. */
  maxSessions: number;
  /** Open sockets per IP. */
  maxConnectionsPerIp: number;
  /** Concurrent sessions created from one IP. */
  maxSessionsPerIp: number;
  /** New sockets per IP: a token bucket (per second, burst). */
  connectRatePerIp: { perSecond: number; burst: number };
  /** create/join/resume attempts per IP: a token bucket. */
  sessionOpRatePerIp: { perSecond: number; burst: number };
  /** Frames (data and control) per socket: a token bucket. */
  frameRatePerConnection: { perSecond: number; burst: number };
  /** Protocol errors a socket may cause before it is closed. */
  maxProtocolErrors: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxFrameBytes: 64 * 1024,
  joinTtlMs: 15 * 60_000,
  sessionTtlMs: 60 * 60_000,
  graceMs: 30_000,
  maxBufferedFrames: 256,
  maxBufferedBytes: 1024 * 1024,
  maxSocketBufferBytes: 4 * 1024 * 1024,
  pingIntervalMs: 20_000,
  helloTimeoutMs: 10_000,
  httpHeadersTimeoutMs: 10_000,
  unboundTimeoutMs: 60_000,
  maxSessions: 100_000,
  maxConnectionsPerIp: 256,
  maxSessionsPerIp: 128,
  connectRatePerIp: { perSecond: 50, burst: 200 },
  sessionOpRatePerIp: { perSecond: 20, burst: 100 },
  frameRatePerConnection: { perSecond: 5000, burst: 10_000 },
  maxProtocolErrors: 8,
};

/** The limits a relay announces in `welcome`. */
export function limitsInfo(l: RelayLimits): RelayLimitsInfo {
  return {
    maxFrameBytes: l.maxFrameBytes,
    joinTtlSeconds: Math.floor(l.joinTtlMs / 1000),
    sessionTtlSeconds: Math.floor(l.sessionTtlMs / 1000),
    graceSeconds: Math.floor(l.graceMs / 1000),
    maxBufferedFrames: l.maxBufferedFrames,
    maxBufferedBytes: l.maxBufferedBytes,
    pingIntervalSeconds: Math.max(1, Math.floor(l.pingIntervalMs / 1000)),
  };
}
