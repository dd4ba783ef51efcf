import { createServer, type Socket, connect as tcpConnect } from "node:net";
import WebSocket from "ws";

/** One frame seen by a {@link RawRelaySocket}: parsed JSON for text, bytes for binary. */
export type RawFrame = { text: Record<string, unknown> } | { binary: Uint8Array };

/**
 * A bare WebSocket for protocol tests and hostile-client tests: sends whatever it is told and records
 * every frame and the close code. Every wait is bounded.
 */
export class RawRelaySocket {
  readonly frames: RawFrame[] = [];
  closeCode: number | undefined;
  #waiters: Array<() => void> = [];
  #read = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      const b = data as Buffer;
      this.frames.push(isBinary ? { binary: new Uint8Array(b) } : { text: JSON.parse(b.toString("utf8")) });
      this.#wake();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.#wake();
    });
    ws.on("error", () => {});
  }

  static open(url: string, opts: { headers?: Record<string, string> } = {}): Promise<RawRelaySocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: opts.headers ?? {}, maxPayload: 4 << 20 });
      const s = new RawRelaySocket(ws);
      ws.once("open", () => resolve(s));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`http ${res.statusCode}`)));
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  sendJson(obj: unknown): void {
    this.ws.send(JSON.stringify(obj));
  }

  sendText(text: string): void {
    this.ws.send(text);
  }

  sendBinary(data: Uint8Array): void {
    this.ws.send(data, { binary: true });
  }

  /** The next unread frame; rejects after `timeoutMs` or when the socket closed first. */
  async next(timeoutMs = 2000): Promise<RawFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.#read >= this.frames.length) {
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no frame in time");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.frames[this.#read++] as RawFrame;
  }

  /** The next frame, which must be text. */
  async nextJson(timeoutMs = 2000): Promise<Record<string, unknown>> {
    const f = await this.next(timeoutMs);
    if (!("text" in f)) throw new Error("expected a text frame, got binary");
    return f.text;
  }

  /** Resolves with the close code (or undefined after `timeoutMs`). */
  async closed(timeoutMs = 2000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * A TCP proxy in front of a relay, to simulate network drops: `cut()` destroys every proxied
 * connection (clients see a dropped socket and may resume through the proxy again); `block(true)`
 * refuses new connections until `block(false)`.
 */
export async function startTcpProxy(
  targetPort: number,
  targetHost = "127.0.0.1",
): Promise<{ url: string; port: number; cut(): void; block(on: boolean): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let blocked = false;
  const server = createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    block: (on: boolean) => {
      blocked = on;
    },
    cut: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Opens a raw v1 socket and completes hello/welcome. */
export async function openV1(url: string, token?: string): Promise<RawRelaySocket> {
  const s = await RawRelaySocket.open(url);
  s.sendJson({ type: "hello", version: 1, ...(token === undefined ? {} : { token }) });
  const w = await s.nextJson();
  if (w.type !== "welcome") throw new Error(`expected welcome, got ${JSON.stringify(w)}`);
  return s;
}

/** Creates a session on a raw socket: returns it with the session id and resume token. */
export async function createV1(
  url: string,
): Promise<{ s: RawRelaySocket; session: string; resumeToken: string }> {
  const s = await openV1(url);
  s.sendJson({ type: "create" });
  const c = await s.nextJson();
  if (c.type !== "created") throw new Error(`expected created, got ${JSON.stringify(c)}`);
  return { s, session: c.session as string, resumeToken: c.resumeToken as string };
}
