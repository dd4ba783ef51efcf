import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type RunningRelay, startRelay } from "../../src/relay/index.js";
import { createV1, openV1 } from "../kit/relay.js";

// Attack: take over a peer's role with a wrong, guessed or other-role resume token.
let relay: RunningRelay;
before(async () => {
  relay = await startRelay({ listen: "127.0.0.1:0" });
});
after(() => relay.close());

test("resume needs the token of that exact role", async () => {
  const a = await createV1(relay.url);
  const b = await openV1(relay.url);
  b.sendJson({ type: "join", session: a.session });
  const joined = await b.nextJson();
  await a.s.nextJson();
  const tries = [
    { role: "a", resumeToken: joined.resumeToken }, // b's token for role a
    { role: "b", resumeToken: a.resumeToken }, // a's token for role b
    { role: "a", resumeToken: `${a.resumeToken.slice(0, 42)}${a.resumeToken.endsWith("A") ? "B" : "A"}` },
  ];
  for (const t of tries) {
    const x = await openV1(relay.url);
    x.sendJson({ type: "resume", session: a.session, ...t });
    assert.equal((await x.nextJson()).code, "UNAUTHORIZED");
    x.close();
  }
  // nothing reached the peers
  await assert.rejects(a.s.next(150), /no frame in time/);
  await assert.rejects(b.next(50), /no frame in time/);
  // the right token takes over the role and evicts the old socket
  const thief = await openV1(relay.url);
  thief.sendJson({ type: "resume", session: a.session, role: "a", resumeToken: a.resumeToken });
  assert.equal((await thief.nextJson()).type, "resumed");
  assert.equal((await a.s.nextJson()).code, "RELAY_REJECTED");
  assert.equal(await a.s.closed(), 1008);
  for (const s of [b, thief]) s.close();
});

test("resume tokens are not accepted for a closed session", async () => {
  const a = await createV1(relay.url);
  a.s.sendJson({ type: "close", reason: "done" });
  assert.equal((await a.s.nextJson()).type, "closed");
  const x = await openV1(relay.url);
  x.sendJson({ type: "resume", session: a.session, role: "a", resumeToken: a.resumeToken });
  assert.equal((await x.nextJson()).code, "SESSION_NOT_FOUND");
  x.close();
});
