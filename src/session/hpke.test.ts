import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fromHex, toHex } from "../core/index.js";
import { hpkeOpen, hpkeSeal } from "./hpke.js";
import { x25519PrivateFromRaw } from "./primitives.js";

const V = JSON.parse(readFileSync("vectors/session/hpke-rfc9180-a2-1.json", "utf8")) as Record<
  string,
  string
>;
const h = (k: string) => fromHex(V[k]!);

test("hpke: sealing reproduces RFC 9180 A.2.1 (X25519/SHA-256/ChaCha20-Poly1305, base mode)", async () => {
  const sealed = await hpkeSeal(h("pkRm"), h("pt"), h("aad"), h("info"), h("ikmE"));
  assert.equal(toHex(sealed.enc), V.enc);
  assert.equal(toHex(sealed.ciphertext), V.ct);
});

test("hpke: opening the RFC 9180 A.2.1 ciphertext with skRm; a flipped bit fails", async () => {
  const sk = x25519PrivateFromRaw(h("skRm"));
  const opened = await hpkeOpen(sk, h("enc"), h("ct"), h("aad"), h("info"));
  assert.equal(toHex(opened.plaintext), V.pt);
  const bad = h("ct");
  bad[0]! ^= 1;
  await assert.rejects(hpkeOpen(sk, h("enc"), bad, h("aad"), h("info")), { code: "HANDSHAKE_FAILED" });
  await assert.rejects(hpkeOpen(sk, h("enc"), h("ct"), fromHex("00"), h("info")), {
    code: "HANDSHAKE_FAILED",
  });
});
