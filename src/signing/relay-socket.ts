// The relay client's socket and handshake: open the WebSocket, exchange one request/reply, map wire errors.
import WebSocket from "ws";
import { type ErrorCode, isErrorCode, SigrunError } from "../core/index.js";
import { parseServerMessage, type ServerMessage, sanitizeRelayText } from "../protocol/index.js";

/** One received frame: its data and whether it was binary. */
export type Raw = [WebSocket.RawData, boolean];

export function errorFromWire(code: string, message: string): SigrunError {
  const c: ErrorCode = isErrorCode(code) ? code : "RELAY_REJECTED";
  return new SigrunError(c, `relay: ${sanitizeRelayText(message)}`, { details: { relayCode: code } });
}

export function openSocket(
  url: string,
  timeoutMs: number,
  maxPayload: number,
  ca: string | Uint8Array | undefined,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, {
        maxPayload,
        handshakeTimeout: timeoutMs,
        perMessageDeflate: false,
        ...(ca === undefined ? {} : { ca: typeof ca === "string" ? ca : Buffer.from(ca) }),
      });
    } catch (err) {
      reject(new SigrunError("RELAY_UNAVAILABLE", `relay url ${url}: invalid`, { cause: err }));
      return;
    }
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new SigrunError("TIMEOUT", `relay ${url}: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once("error", (err) => {
      clearTimeout(timer);
      reject(new SigrunError("RELAY_UNAVAILABLE", `relay ${url}: ${(err as Error).message}`, { cause: err }));
    });
    ws.once("unexpected-response", (_req, res) => {
      clearTimeout(timer);
      const code: ErrorCode =
        res.statusCode === 401 || res.statusCode === 403
          ? "UNAUTHORIZED"
          : res.statusCode === 429
            ? "RATE_LIMITED"
            : "RELAY_UNAVAILABLE";
      ws.terminate();
      reject(new SigrunError(code, `relay ${url}: http status ${res.statusCode}`));
    });
  });
}

/**
 * Sends one text frame and waits for the first text reply (hello, resume). Frames that arrive after the
 * reply are kept until `release()` so that none is lost before the caller attaches its own handler.
 */
export function oneReply(
  ws: WebSocket,
  text: string,
  timeoutMs: number,
  what: string,
): Promise<{ msg: ServerMessage; release: () => Raw[] }> {
  return new Promise((resolve, reject) => {
    const stash: Raw[] = [];
    let replied = false;
    const release = () => {
      ws.off("message", onMessage);
      return stash;
    };
    const fail = (err: unknown) => {
      clearTimeout(timer);
      ws.off("close", onClose);
      release();
      reject(err);
    };
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (replied) {
        stash.push([data, isBinary]);
        return;
      }
      if (isBinary) return fail(new SigrunError("PROTOCOL_ERROR", `${what}: unexpected binary frame`));
      let m: ServerMessage;
      try {
        m = parseServerMessage((data as Buffer).toString("utf8"));
      } catch (err) {
        return fail(err);
      }
      if (m.type === "error" && what === "hello") return fail(errorFromWire(m.code, m.message));
      replied = true;
      clearTimeout(timer);
      ws.off("close", onClose);
      resolve({ msg: m, release });
    };
    const onClose = () => fail(new SigrunError("RELAY_UNAVAILABLE", `${what}: relay closed the connection`));
    const timer = setTimeout(
      () => fail(new SigrunError("TIMEOUT", `${what}: no reply from the relay within ${timeoutMs} ms`)),
      timeoutMs,
    );
    ws.on("message", onMessage);
    ws.on("close", onClose);
    ws.on("error", () => {});
    ws.send(text);
  });
}
