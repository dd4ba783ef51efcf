import { SigrunError } from "../core/index.js";

/**
 * sigrun relay protocol, version 1 (normative text: docs/spec/relay-protocol.md).
 * Control messages are JSON objects in WebSocket text frames; application data travels in binary
 * frames, never base64. Every parser here is strict: unknown types and fields, wrong types and
 * over-long values are rejected.
 */
export const RELAY_PROTOCOL_VERSION = 1;

/** Caps every implementation applies before parsing. */
export const RELAY_WIRE_CAPS = {
  /** Largest text frame (a control message), in bytes. */
  maxControlBytes: 16 * 1024,
  /** Largest `context` value, in base64url characters (6 KiB of bytes). */
  maxContextChars: 8192,
  /** Largest `reason`/`message`/`motd` string, in characters. */
  maxTextChars: 512,
  /** Largest request `id`, in characters. */
  maxIdChars: 64,
  /** Largest access token, in characters. */
  maxTokenChars: 512,
} as const;

/** Role of a peer in a session: `a` created it, `b` joined it. */
export type RelayRole = "a" | "b";

/** Limits a relay announces in `welcome`. */
export interface RelayLimitsInfo {
  /** Largest binary frame the relay forwards, in bytes. Bigger frames close the socket with 1009. */
  maxFrameBytes: number;
  /** How long a created session waits for its second peer, in seconds. */
  joinTtlSeconds: number;
  /** Largest lifetime of a session from its creation, in seconds. */
  sessionTtlSeconds: number;
  /** How long a dropped peer may take to resume, in seconds. */
  graceSeconds: number;
  /** Frames buffered for a peer while it is away. */
  maxBufferedFrames: number;
  /** Bytes buffered for a peer while it is away. */
  maxBufferedBytes: number;
  /** Interval of the relay's WebSocket pings, in seconds. */
  pingIntervalSeconds: number;
}

// ---- client → relay -------------------------------------------------------------------------------

export type ClientMessage =
  | { type: "hello"; version: number; token?: string; id?: string }
  | { type: "create"; ttl?: number; context?: string; id?: string }
  | { type: "join"; session: string; context?: string; id?: string }
  | { type: "resume"; session: string; role: RelayRole; resumeToken: string; id?: string }
  | { type: "close"; reason?: string; id?: string };

// ---- relay → client -------------------------------------------------------------------------------

export type ServerMessage =
  | { type: "welcome"; version: number; limits: RelayLimitsInfo; motd: string | null; id?: string }
  | {
      type: "created";
      session: string;
      role: "a";
      expiresAt: number;
      resumeToken: string;
      id?: string;
    }
  | {
      type: "joined";
      session: string;
      role: "b";
      expiresAt: number;
      resumeToken: string;
      context: string | null;
      id?: string;
    }
  | {
      type: "resumed";
      session: string;
      role: RelayRole;
      expiresAt: number;
      peer: "waiting" | "present" | "away";
      id?: string;
    }
  | { type: "peer_joined"; context: string | null; expiresAt: number }
  | { type: "peer_left"; graceSeconds: number }
  | { type: "peer_back" }
  | { type: "closed"; reason: string; by: "self" | "peer" | "relay"; id?: string }
  | { type: "error"; code: string; message: string; retryable: boolean; id?: string };

/** Routing ids are 16 random bytes, unpadded base64url (22 characters). */
export const SESSION_ID_RE = /^[A-Za-z0-9_-]{22}$/;
/** Resume tokens are 32 random bytes, unpadded base64url (43 characters). */
export const RESUME_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const CONTEXT_RE = /^[A-Za-z0-9_-]*$/;
const ERROR_CODE_RE = /^[A-Z][A-Z0-9_]{0,63}$/;

type Obj = Record<string, unknown>;

function fail(message: string): never {
  throw new SigrunError("PROTOCOL_ERROR", message);
}

function parseObject(text: string, what: string): Obj {
  if (text.length > RELAY_WIRE_CAPS.maxControlBytes) fail(`${what}: text frame larger than the cap`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    fail(`${what}: expected a json object, got invalid json`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(`${what}: expected a json object`);
  return v as Obj;
}

function onlyKeys(o: Obj, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) fail(`${what}: unknown field ${JSON.stringify(k.slice(0, 32))}`);
  }
}

function str(o: Obj, k: string, what: string, max: number, re?: RegExp): string {
  const v = o[k];
  if (typeof v !== "string") fail(`${what}.${k}: expected a string`);
  if (v.length > max) fail(`${what}.${k}: expected at most ${max} characters, got ${v.length}`);
  if (re && !re.test(v)) fail(`${what}.${k}: malformed value`);
  return v;
}

function optStr(o: Obj, k: string, what: string, max: number, re?: RegExp): string | undefined {
  return o[k] === undefined ? undefined : str(o, k, what, max, re);
}

function int(o: Obj, k: string, what: string, min: number, max: number): number {
  const v = o[k];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(`${what}.${k}: expected an integer in [${min}, ${max}]`);
  }
  return v;
}

function withId<T extends object>(msg: T, o: Obj, what: string): T {
  const id = optStr(o, "id", what, RELAY_WIRE_CAPS.maxIdChars);
  return id === undefined ? msg : { ...msg, id };
}

/** Parses one client control message (a text frame). Throws PROTOCOL_ERROR on anything malformed. */
export function parseClientMessage(text: string): ClientMessage {
  const o = parseObject(text, "message");
  const type = o.type;
  const C = RELAY_WIRE_CAPS;
  switch (type) {
    case "hello": {
      onlyKeys(o, ["type", "version", "token", "id"], "hello");
      const version = int(o, "version", "hello", 0, 0xffff);
      const token = optStr(o, "token", "hello", C.maxTokenChars);
      return withId({ type, version, ...(token === undefined ? {} : { token }) }, o, "hello");
    }
    case "create": {
      onlyKeys(o, ["type", "ttl", "context", "id"], "create");
      const ttl = o.ttl === undefined ? undefined : int(o, "ttl", "create", 1, 86400);
      const context = optStr(o, "context", "create", C.maxContextChars, CONTEXT_RE);
      return withId(
        { type, ...(ttl === undefined ? {} : { ttl }), ...(context === undefined ? {} : { context }) },
        o,
        "create",
      );
    }
    case "join": {
      onlyKeys(o, ["type", "session", "context", "id"], "join");
      const session = str(o, "session", "join", 22, SESSION_ID_RE);
      const context = optStr(o, "context", "join", C.maxContextChars, CONTEXT_RE);
      return withId({ type, session, ...(context === undefined ? {} : { context }) }, o, "join");
    }
    case "resume": {
      onlyKeys(o, ["type", "session", "role", "resumeToken", "id"], "resume");
      const session = str(o, "session", "resume", 22, SESSION_ID_RE);
      const role = o.role;
      if (role !== "a" && role !== "b") fail(`resume.role: expected "a" or "b"`);
      const resumeToken = str(o, "resumeToken", "resume", 43, RESUME_TOKEN_RE);
      return withId({ type, session, role, resumeToken }, o, "resume");
    }
    case "close": {
      onlyKeys(o, ["type", "reason", "id"], "close");
      const reason = optStr(o, "reason", "close", C.maxTextChars);
      return withId({ type, ...(reason === undefined ? {} : { reason }) }, o, "close");
    }
    default:
      return fail(`message.type: unknown type ${JSON.stringify(String(type).slice(0, 32))}`);
  }
}

function parseLimits(v: unknown): RelayLimitsInfo {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail("welcome.limits: expected an object");
  const o = v as Obj;
  const keys = [
    "maxFrameBytes",
    "joinTtlSeconds",
    "sessionTtlSeconds",
    "graceSeconds",
    "maxBufferedFrames",
    "maxBufferedBytes",
    "pingIntervalSeconds",
  ] as const;
  onlyKeys(o, keys, "welcome.limits");
  const out = {} as Record<(typeof keys)[number], number>;
  for (const k of keys) out[k] = int(o, k, "welcome.limits", 0, 2 ** 40);
  return out;
}

function nullableStr(o: Obj, k: string, what: string, max: number, re?: RegExp): string | null {
  return o[k] === null ? null : str(o, k, what, max, re);
}

/** Parses one relay control message (a text frame). Throws PROTOCOL_ERROR on anything malformed. */
export function parseServerMessage(text: string): ServerMessage {
  const o = parseObject(text, "message");
  const type = o.type;
  const C = RELAY_WIRE_CAPS;
  switch (type) {
    case "welcome":
      onlyKeys(o, ["type", "version", "limits", "motd", "id"], "welcome");
      return withId(
        {
          type,
          version: int(o, "version", "welcome", 0, 0xffff),
          limits: parseLimits(o.limits),
          motd: nullableStr(o, "motd", "welcome", C.maxTextChars),
        },
        o,
        "welcome",
      );
    case "created":
      onlyKeys(o, ["type", "session", "role", "expiresAt", "resumeToken", "id"], "created");
      if (o.role !== "a") fail(`created.role: expected "a"`);
      return withId(
        {
          type,
          session: str(o, "session", "created", 22, SESSION_ID_RE),
          role: "a",
          expiresAt: int(o, "expiresAt", "created", 0, Number.MAX_SAFE_INTEGER),
          resumeToken: str(o, "resumeToken", "created", 43, RESUME_TOKEN_RE),
        },
        o,
        "created",
      );
    case "joined":
      onlyKeys(o, ["type", "session", "role", "expiresAt", "resumeToken", "context", "id"], "joined");
      if (o.role !== "b") fail(`joined.role: expected "b"`);
      return withId(
        {
          type,
          session: str(o, "session", "joined", 22, SESSION_ID_RE),
          role: "b",
          expiresAt: int(o, "expiresAt", "joined", 0, Number.MAX_SAFE_INTEGER),
          resumeToken: str(o, "resumeToken", "joined", 43, RESUME_TOKEN_RE),
          context: nullableStr(o, "context", "joined", C.maxContextChars, CONTEXT_RE),
        },
        o,
        "joined",
      );
    case "resumed": {
      onlyKeys(o, ["type", "session", "role", "expiresAt", "peer", "id"], "resumed");
      const role = o.role;
      if (role !== "a" && role !== "b") fail(`resumed.role: expected "a" or "b"`);
      const peer = o.peer;
      if (peer !== "waiting" && peer !== "present" && peer !== "away")
        fail(`resumed.peer: expected waiting, present or away`);
      return withId(
        {
          type,
          session: str(o, "session", "resumed", 22, SESSION_ID_RE),
          role,
          expiresAt: int(o, "expiresAt", "resumed", 0, Number.MAX_SAFE_INTEGER),
          peer,
        },
        o,
        "resumed",
      );
    }
    case "peer_joined":
      onlyKeys(o, ["type", "context", "expiresAt"], "peer_joined");
      return {
        type,
        context: nullableStr(o, "context", "peer_joined", C.maxContextChars, CONTEXT_RE),
        expiresAt: int(o, "expiresAt", "peer_joined", 0, Number.MAX_SAFE_INTEGER),
      };
    case "peer_left":
      onlyKeys(o, ["type", "graceSeconds"], "peer_left");
      return { type, graceSeconds: int(o, "graceSeconds", "peer_left", 0, 86400) };
    case "peer_back":
      onlyKeys(o, ["type"], "peer_back");
      return { type };
    case "closed": {
      onlyKeys(o, ["type", "reason", "by", "id"], "closed");
      const by = o.by;
      if (by !== "self" && by !== "peer" && by !== "relay") fail(`closed.by: expected self, peer or relay`);
      return withId({ type, reason: str(o, "reason", "closed", C.maxTextChars), by }, o, "closed");
    }
    case "error":
      onlyKeys(o, ["type", "code", "message", "retryable", "id"], "error");
      if (typeof o.retryable !== "boolean") fail("error.retryable: expected a boolean");
      return withId(
        {
          type,
          code: str(o, "code", "error", 64, ERROR_CODE_RE),
          message: str(o, "message", "error", C.maxTextChars),
          retryable: o.retryable,
        },
        o,
        "error",
      );
    default:
      return fail(`message.type: unknown type ${JSON.stringify(String(type).slice(0, 32))}`);
  }
}

/** Encodes a control message as the text of one frame (key order as given; no whitespace). */
export function encodeMessage(msg: ClientMessage | ServerMessage): string {
  return JSON.stringify(msg);
}
