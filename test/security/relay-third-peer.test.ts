import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type RunningRelay, startRelay } from "../../src/relay/index.js";
import { connectRelay } from "../../src/signing/relay-client.js";
import { createV1, openV1 } from "../kit/relay.js";

// Attacks: a third peer joins a paired session; a peer "joins first" a session nobody created.
let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0" });
});
after(() => relay.close());

test("a third peer is refused with SESSION_FULL and sees nothing", async () => {
  const a = await createV1(relay.url);
  const b = await openV1(relay.url);
  b.sendJson({ type: "join", session: a.session });
  assert.equal((await b.nextJson()).type, "joined");
  assert.equal((await a.s.nextJson()).type, "peer_joined");
  const third = await connectRelay(relay.url, { timeoutMs: 2000 });
  await assert.rejects(third.join(a.session), { code: "SESSION_FULL" });
  a.s.sendBinary(new Uint8Array([1]));
  assert.deepEqual(await b.next(), { binary: new Uint8Array([1]) });
  await assert.rejects(third.next({ timeoutMs: 200 }), { code: "TIMEOUT" });
  // concurrent joins: exactly one wins
  const c = await createV1(relay.url);
  const racers = await Promise.all(
    Array.from({ length: 6 }, () => connectRelay(relay.url, { timeoutMs: 2000 })),
  );
  const results = await Promise.allSettled(racers.map((r) => r.join(c.session)));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  for (const r of results)
    if (r.status === "rejected") assert.equal((r.reason as { code: string }).code, "SESSION_FULL");
  for (const r of [...racers, third]) await r.close();
  a.s.close();
  b.close();
  c.s.close();
});

test("join-first: joining a session nobody created fails with SESSION_NOT_FOUND", async () => {
  const j = await connectRelay(relay.url, { timeoutMs: 2000 });
  await assert.rejects(j.join("BBBBBBBBBBBBBBBBBBBBBB"), { code: "SESSION_NOT_FOUND" });
  await j.close();
});
