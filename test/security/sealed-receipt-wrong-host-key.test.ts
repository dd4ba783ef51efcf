// Attack: the receipt comes back signed by another host key (another host, or an attacker's key) — with
// the same statement, so every digest in it is right. Expected: RECEIPT_INVALID (the signature must be by
// the receipt key pinned at `host add`); nothing in --outputs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { encodeDsse, openDsse, signDsse } from "../../src/jobwire/index.js";
import { fileSigner, generateKey, parsePublicKey } from "../../src/keys/index.js";
import { type AttackWorld, attack, attackWorld } from "../kit/sealed-attack.js";

let w: AttackWorld;
before(async () => {
  w = await attackWorld();
});
after(async () => {
  await w.stop();
});

test("sealed-receipt-wrong-host-key: a receipt re-signed by a stranger is refused", async () => {
  const stranger = fileSigner(generateKey("ed25519").privateKey);
  const hostKey = parsePublicKey(readFileSync(join(w.state, "host.pub")));
  const r = await attack(w, {
    response: async (f) => {
      if (f.m.t !== "receipt") return [f];
      const env = JSON.parse(String(f.m.receipt));
      const payload = openDsse(env, env.payloadType, hostKey, "RECEIPT_INVALID", "test");
      const forged = await signDsse(env.payloadType, payload, stranger);
      return [{ m: { ...f.m, receipt: Buffer.from(encodeDsse(forged)).toString("utf8") } }];
    },
  });
  assert.equal(r.code, "RECEIPT_INVALID");
});

test("sealed-receipt-wrong-host-key: a receipt with its signature stripped is refused", async () => {
  const r = await attack(w, {
    response: (f) => {
      if (f.m.t !== "receipt") return [f];
      const env = JSON.parse(String(f.m.receipt));
      return [{ m: { ...f.m, receipt: JSON.stringify({ ...env, signatures: [] }) } }];
    },
  });
  assert.equal(r.code, "RECEIPT_INVALID");
});
