import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { computeSessionVectors, SESSION_VECTORS_FILE } from "../../test/kit/session-vectors.js";
import { fromHex } from "../core/index.js";
import { decodeJoin, parseJoinText } from "./join-string.js";

test("session vectors: join strings, key schedule and frames reproduce vectors/session/session-v1.json", async () => {
  const got = await computeSessionVectors();
  const want = JSON.parse(readFileSync(SESSION_VECTORS_FILE, "utf8")); // missing file = failure

  assert.deepEqual(got, want);
  const pkJoin = fromHex((want as { publicKey: { joinBytes: string } }).publicKey.joinBytes);
  assert.ok(pkJoin.byteLength <= 300, `public-key join string is ${pkJoin.byteLength} bytes`);
  assert.deepEqual(parseJoinText((want as { publicKey: { joinPem: string } }).publicKey.joinPem), pkJoin);
  assert.equal(decodeJoin(pkJoin).mode, "public-key");
});
