// Sealed jobs over the agent's HTTP transport (no extra flag): `GET /sealed/v1/keys`, `POST
// /sealed/v1/offer` (hello → offer and a session id), `POST /sealed/v1/jobs/:session` (release and blobs
// → receipt and sealed outputs). Bodies are the session frames of docs/spec/sealed-execution.md §3.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SigrunError } from "../core/index.js";
import { FrameReader, FrameWriter } from "../jobwire/index.js";
import type { Agent } from "./agent.js";
import { type PendingSealedJob, SealedHost, sendError } from "./sealed-job.js";

export const SEALED_CONTENT_TYPE = "application/vnd.sigrun.sealed-frames";
const MAX_PENDING = 64;
const SESSION_RE = /^\/sealed\/v1\/jobs\/([0-9a-f]{32})$/;

/** Offers waiting for their release, per HTTP transport. */
export class SealedHttp {
  private readonly pending = new Map<string, PendingSealedJob>();
  private host: Promise<SealedHost> | undefined;

  /** Handles a /sealed/ request; false when the path is not one of ours. */
  async handle(agent: Agent, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith("/sealed/")) return false;
    this.host ??= SealedHost.open(agent);
    const host = await this.host;
    if (req.method === "GET" && path === "/sealed/v1/keys") {
      const body = Buffer.from(`${JSON.stringify(host.keysMessage())}\n`);
      res.writeHead(200, {
        "Content-Type": "application/json",
        "Content-Length": body.length,
        "Cache-Control": "no-store",
      });
      res.end(body);
      return true;
    }
    const session = SESSION_RE.exec(path)?.[1];
    if (req.method !== "POST" || (path !== "/sealed/v1/offer" && !session)) {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end('{"error":"NOT_FOUND"}\n');
      return true;
    }
    res.writeHead(200, { "Content-Type": SEALED_CONTENT_TYPE, "Cache-Control": "no-store" });
    res.flushHeaders();
    const reader = new FrameReader(req);
    const writer = new FrameWriter(res);
    try {
      await reader.expectMagic();
      if (session === undefined) {
        const hello = await reader.expect("hello");
        if (hello.want !== "job") throw new SigrunError("PROTOCOL_ERROR", "hello: want: expected job");
        this.sweep();
        if (this.pending.size >= MAX_PENDING)
          throw new SigrunError("RATE_LIMITED", "too many pending sealed jobs");
        const p = await host.offer(hello);
        const id = randomBytes(16).toString("hex");
        this.pending.set(id, p);
        await writer.message({
          t: "offer",
          session: id,
          offer: p.envelope as unknown as Record<string, unknown>,
        });
      } else {
        const p = this.pending.get(session);
        // E is single-use: a second release to the same session finds nothing
        this.pending.delete(session);
        if (!p) throw new SigrunError("SESSION_NOT_FOUND", "no pending sealed job with this session");
        await host.run(p, reader, writer, "http");
      }
    } catch (err) {
      await sendError(writer, err);
      req.resume();
    } finally {
      await writer.end();
    }
    return true;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, p] of this.pending) if (Date.parse(p.offer.expires_at) < now) this.pending.delete(id);
  }
}
