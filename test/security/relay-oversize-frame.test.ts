import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { startRelay } from "../../src/relay/index.js";
import { createV1, openV1, RawRelaySocket } from "../kit/relay.js";

// Attack: one oversize frame used to kill a plain `ws` server process (no 'error' handler).
const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

test("in-process: an oversize binary or text frame closes only that socket with 1009", async () => {
  const relay = await startRelay({ listen: "127.0.0.1:0" });
  try {
    const a = await createV1(relay.url);
    const b = await openV1(relay.url);
    b.sendJson({ type: "join", session: a.session });
    await b.nextJson();
    await a.s.nextJson();
    a.s.sendBinary(new Uint8Array(64 * 1024 + 1));
    assert.equal(await a.s.closed(), 1009);
    const t = await openV1(relay.url);
    t.sendText(`{"type":"create","context":"${"A".repeat(70_000)}"}`);
    assert.equal(await t.closed(), 1009);
    // the relay and the other peer live on; b sees its peer leave (grace) rather than a crash
    assert.equal((await b.nextJson()).type, "peer_left");
    const ok = await openV1(relay.url);
    ok.close();
    b.close();
  } finally {
    await relay.close();
  }
});

test("process: `sigrun relay serve` survives an oversize frame", async () => {
  const child = spawn(process.execPath, [MAIN, "relay", "serve", "--listen", "127.0.0.1:0", "--quiet"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", resolve);
      child.once("exit", (c) => reject(new Error(`exited ${c}`)));
    });
    const url = line.replace(/^listening on /, "");
    const s = await RawRelaySocket.open(url);
    s.sendBinary(new Uint8Array(1 << 20));
    assert.equal(await s.closed(), 1009);
    const again = await openV1(url);
    again.close();
    assert.equal(child.exitCode, null);
  } finally {
    child.kill("SIGTERM");
  }
});
