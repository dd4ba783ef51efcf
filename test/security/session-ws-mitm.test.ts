import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { type RunningRelay, startRelay } from "../../src/relay/server.js";
import { cborEncode } from "../../src/session/index.js";
import { runInitiator, runSigner } from "../../src/signing/index.js";
import { connectRelay } from "../../src/signing/relay-client.js";
import { approveAll, codeOf, fixture } from "../kit/session-harness.js";

/**
 * A malicious relay at the WebSocket level: a proxy in front of a real relay that tampers with what
 * the real relay client sees (duplicated binary frames, forged `peer_joined`). Both peers use the
 * real RelayClient over real sockets.
 */
type Tamper = (
  fromClient: boolean,
  data: WebSocket.RawData,
  isBinary: boolean,
  toClient: WebSocket,
  conn: number,
) => WebSocket.RawData[];

let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0" });
});
after(() => relay.close());

async function proxy(tamper: Tamper): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  let conns = 0;
  wss.on("connection", (client) => {
    const conn = conns++;
    const up = new WebSocket(relay.url);
    const queue: [WebSocket.RawData, boolean][] = [];
    up.on("open", () => {
      for (const [d, b] of queue.splice(0)) up.send(d, { binary: b });
    });
    client.on("message", (d, b) => {
      for (const x of tamper(true, d, b, client, conn)) {
        if (up.readyState === WebSocket.OPEN) up.send(x, { binary: b });
        else queue.push([x, b]);
      }
    });
    up.on("message", (d, b) => {
      for (const x of tamper(false, d, b, client, conn))
        if (client.readyState === WebSocket.OPEN) client.send(x, { binary: b });
    });
    client.on("close", () => up.close());
    up.on("close", () => client.close());
    client.on("error", () => {});
    up.on("error", () => {});
  });
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

async function pair(url: string) {
  const fx = fixture();
  let give: (b: Uint8Array) => void = () => {};
  const join = new Promise<Uint8Array>((r) => (give = r));
  const initiator = runInitiator({
    relay: await connectRelay(url),
    relayUrl: url,
    mode: { kind: "public-key", signerKex: fx.kex.publicRaw },
    signerKey: fx.signerPub,
    items: [{ name: "a.bin", data: new Uint8Array(1000).fill(1), format: "raw" }],
    context: "mitm",
    joinTimeoutMs: 3000,
    responseTimeoutMs: 3000,
    handshakeTimeoutMs: 3000,
    onJoinString: (j) => give(j.bytes),
  });
  const signer = join.then((joinBytes) =>
    runSigner({
      joinBytes,
      secrets: { kexKey: fx.kex.privateKey },
      signer: fx.signer,
      connect: (u) => connectRelay(u),
      reviewSession: async () => true,
      approve: approveAll,
      idleTimeoutMs: 3000,
      handshakeTimeoutMs: 3000,
      dataTimeoutMs: 3000,
    }),
  );
  return Promise.all([codeOf(initiator), codeOf(signer)]);
}

test("ws mitm: an honest proxy changes nothing", async () => {
  const p = await proxy((_f, d) => [d]);
  try {
    assert.deepEqual(await pair(p.url), ["ok", "ok"]);
  } finally {
    await p.close();
  }
});

test("ws mitm: the initiator's request frame delivered twice → CHANNEL_ERROR on both sides", async () => {
  let n = 0;
  const p = await proxy((fromClient, d, isBinary, _c, conn) =>
    fromClient && isBinary && conn === 0 && n++ === 1 ? [d, d] : [d],
  );
  try {
    assert.deepEqual(await pair(p.url), ["CHANNEL_ERROR", "CHANNEL_ERROR"]);
  } finally {
    await p.close();
  }
});

test("ws mitm: a forged peer_joined with an attacker's handshake → HANDSHAKE_FAILED", async () => {
  let forged = false;
  const p = await proxy((fromClient, d, isBinary, toClient) => {
    if (!fromClient && !isBinary && !forged && String(d).includes('"created"')) {
      forged = true;
      const hello = cborEncode([1, new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))]);
      const fake = JSON.stringify({
        type: "peer_joined",
        context: Buffer.from(hello).toString("base64url"),
        expiresAt: Date.now() + 60_000,
      });
      setImmediate(() => toClient.send(fake));
    }
    return [d];
  });
  try {
    const [i] = await pair(p.url);
    assert.equal(i, "HANDSHAKE_FAILED");
  } finally {
    await p.close();
  }
});
