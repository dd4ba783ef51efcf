import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { redisAvailable, startTestRedis, type TestRedis } from "../../test/kit/redis.js";
import { RawRelaySocket } from "../../test/kit/relay.js";
import { type StartRelayOptions, startRelay } from "./index.js";

const DIR = fileURLToPath(new URL("../../../vectors/relay/", import.meta.url));

type Step = {
  peer: string;
  connect?: boolean;
  disconnect?: boolean;
  send?: unknown;
  sendBinary?: string;
  expect?: unknown;
  expectBinary?: string;
  expectClose?: number;
};

/** Replaces `$name` placeholders by captured values (sends). */
function fill(v: unknown, vars: Map<string, unknown>): unknown {
  if (typeof v === "string" && v.startsWith("$")) {
    assert.ok(vars.has(v), `placeholder ${v} used before capture`);
    return vars.get(v);
  }
  if (Array.isArray(v)) return v.map((x) => fill(x, vars));
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, vars)]));
  return v;
}

/** Matches a received value against an expected one, capturing `$name` placeholders. */
function match(expected: unknown, got: unknown, vars: Map<string, unknown>, path: string): void {
  if (typeof expected === "string" && expected.startsWith("$")) {
    if (expected === "$any") return;
    if (vars.has(expected)) assert.deepEqual(got, vars.get(expected), `${path}: ${expected}`);
    else vars.set(expected, got);
    return;
  }
  if (expected && typeof expected === "object" && !Array.isArray(expected)) {
    assert.ok(got && typeof got === "object", `${path}: expected an object`);
    assert.deepEqual(Object.keys(got as object).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [k, v] of Object.entries(expected))
      match(v, (got as Record<string, unknown>)[k], vars, `${path}.${k}`);
    return;
  }
  assert.deepEqual(got, expected, path);
}

const backends = ["memory", "redis"] as const;
let redis: TestRedis | undefined;
after(async () => {
  await redis?.stop();
});

for (const backend of backends)
  for (const file of readdirSync(DIR).filter((f) => f.endsWith(".json"))) {
    const skip = backend === "redis" && !redisAvailable() ? "redis-server not installed" : false;
    test(`golden transcript ${file} (${backend})`, { skip }, async () => {
      const v = JSON.parse(readFileSync(`${DIR}${file}`, "utf8")) as {
        path: string;
        relay: StartRelayOptions;
        steps: Step[];
      };
      if (backend === "redis") redis ??= await startTestRedis();
      const relay = await startRelay({
        ...v.relay,
        listen: "127.0.0.1:0",
        ...(backend === "redis" && redis
          ? { backend: { redis: redis.url, prefix: `${redis.prefix}${file}:` } }
          : {}),
      });
      const peers = new Map<string, RawRelaySocket>();
      const vars = new Map<string, unknown>();
      try {
        for (const [i, s] of v.steps.entries()) {
          const where = `${file} step ${i} (${s.peer})`;
          if (s.connect) {
            peers.set(s.peer, await RawRelaySocket.open(`${relay.url}${v.path === "/" ? "" : v.path}`));
            continue;
          }
          const p = peers.get(s.peer);
          assert.ok(p, `${where}: peer not connected`);
          if (s.disconnect) p.close();
          else if (s.send !== undefined) p.sendJson(fill(s.send, vars));
          else if (s.sendBinary !== undefined) p.sendBinary(Buffer.from(s.sendBinary, "hex"));
          else if (s.expect !== undefined) match(s.expect, await p.nextJson(), vars, where);
          else if (s.expectBinary !== undefined) {
            const f = await p.next();
            assert.ok("binary" in f, `${where}: expected a binary frame`);
            assert.equal(Buffer.from(f.binary).toString("hex"), s.expectBinary, where);
          } else if (s.expectClose !== undefined) assert.equal(await p.closed(), s.expectClose, where);
          else assert.fail(`${where}: unknown step`);
        }
      } finally {
        for (const p of peers.values()) p.close();
        await relay.close();
      }
    });
  }
