// The client's end of a sealed-job session: over the pinned SSH channel (one duplex `ssh` process) or the
// agent's HTTP API (an offer request, then a streamed release). Both carry the frames of
// docs/spec/sealed-execution.md §3.
import type { IncomingMessage } from "node:http";
import { isSigrunError, SigrunError } from "../core/index.js";
import { FrameReader, FrameWriter, type Message } from "../jobwire/index.js";
import { type AgentEndpoint, agentRequest } from "./agent-http.js";
import { type HostRecord, hostDir } from "./host-record.js";
import { spawnSsh, sshArgv, sshFailure } from "./ssh.js";

export interface Channel {
  /** Sends the magic and a hello; returns the first reply. */
  hello(msg: Message): Promise<Message>;
  /** Streams the release and blobs with `send`; returns a reader on the reply (receipt, outputs). */
  release(send: (w: FrameWriter) => Promise<void>): Promise<FrameReader>;
  close(): Promise<void>;
}

const STDERR_CAP = 64 * 1024;

/** One `ssh` process; a failure of the stream is reported with ssh's own reason (exit 255). */
export function sshChannel(configDir: string, host: HostRecord): Channel {
  if (!host.ssh) throw new SigrunError("USAGE", `host ${host.name}: not an ssh host`);
  const child = spawnSsh(sshArgv(hostDir(configDir, host.name), host.name, host.ssh));
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    if (stderr.length < STDERR_CAP) stderr += d;
  });
  child.stdin.on("error", () => undefined);
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => resolve(code));
    child.on("error", () => resolve(-1));
  });
  const reader = new FrameReader(child.stdout);
  const writer = new FrameWriter(child.stdin);
  const explain = async (err: unknown): Promise<never> => {
    if (isSigrunError(err) && err.code !== "PROTOCOL_ERROR") throw err;
    child.stdin.destroy();
    const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    if (code === 255 || code === -1) throw sshFailure(stderr, code, host.name);
    // the host may have said why before it closed
    try {
      await reader.message();
    } catch (why) {
      if (isSigrunError(why) && why.details?.peer) throw why;
    }
    throw err;
  };
  return {
    async hello(msg) {
      try {
        await writer.magic();
        await writer.message(msg);
        return await reader.message();
      } catch (err) {
        return explain(err);
      }
    },
    async release(send) {
      try {
        await send(writer);
        await writer.end();
        return reader;
      } catch (err) {
        return explain(err);
      }
    },
    async close() {
      child.stdin.destroy();
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

async function post(
  agent: AgentEndpoint,
  path: string,
  body: (w: FrameWriter) => Promise<void>,
): Promise<IncomingMessage> {
  let failed: unknown;
  const res = await agentRequest(
    agent,
    path,
    { method: "POST", headers: { "Content-Type": "application/vnd.sigrun.sealed-frames" } },
    (req) => {
      const w = new FrameWriter(req);
      body(w)
        .then(() => w.end())
        .catch((err) => {
          failed = err;
          req.destroy();
        });
    },
  ).catch((err) => {
    throw failed ?? err;
  });
  if (res.statusCode !== 200) {
    res.resume();
    throw new SigrunError("TRANSPORT_ERROR", `agent ${path}: HTTP ${res.statusCode}`);
  }
  return res;
}

/** The agent's HTTP API: POST /sealed/v1/offer, then POST /sealed/v1/jobs/:session. */
export function httpChannel(host: HostRecord): Channel {
  if (!host.agent) throw new SigrunError("USAGE", `host ${host.name}: not an agent host`);
  const agent = host.agent;
  let session: string | undefined;
  return {
    async hello(msg) {
      const res = await post(agent, "/sealed/v1/offer", async (w) => {
        await w.magic();
        await w.message(msg);
      });
      const m = await new FrameReader(res).message();
      if (typeof m.session !== "string" || !/^[0-9a-f]{32}$/.test(m.session))
        throw new SigrunError("PROTOCOL_ERROR", "agent: offer without a session id");
      session = m.session;
      return m;
    },
    async release(send) {
      if (!session) throw new SigrunError("INTERNAL", "release before hello");
      const res = await post(agent, `/sealed/v1/jobs/${session}`, async (w) => {
        await w.magic();
        await send(w);
      });
      return new FrameReader(res);
    },
    async close() {},
  };
}

/** GET /sealed/v1/keys: the keys message of an HTTP agent. */
export async function fetchAgentKeys(agent: AgentEndpoint): Promise<Message> {
  const res = await agentRequest(agent, "/sealed/v1/keys", { method: "GET" });
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.byteLength;
    if (size > 64 * 1024) {
      res.destroy();
      throw new SigrunError("PROTOCOL_ERROR", "agent keys: too large");
    }
    parts.push(c);
  }
  if (res.statusCode !== 200)
    throw new SigrunError(
      "TRANSPORT_ERROR",
      `agent ${agent.url}: HTTP ${res.statusCode} for /sealed/v1/keys`,
    );
  try {
    return JSON.parse(Buffer.concat(parts).toString("utf8")) as Message;
  } catch {
    throw new SigrunError("PROTOCOL_ERROR", "agent keys: not json");
  }
}

export function openChannel(configDir: string, host: HostRecord): Channel {
  return host.transport === "ssh" ? sshChannel(configDir, host) : httpChannel(host);
}
