// Attack: the key offer (the ephemeral key E the client releases J to) comes back unsigned, signed by the
// wrong key, or signed by the right key but for another nonce or job (a replayed offer). Expected:
// OFFER_INVALID and J is never released; nothing in --outputs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fromBase64, toHex, utf8Encode } from "../../src/core/index.js";
import type { Message } from "../../src/jobwire/index.js";
import { newAgeKeyPair, reportData, signDsse } from "../../src/jobwire/index.js";
import { fileSigner, generateKey, parsePrivateKey, type Signer } from "../../src/keys/index.js";
import { type AttackWorld, attack, attackWorld } from "../kit/sealed-attack.js";

let w: AttackWorld;
let hostKey: Signer;
before(async () => {
  w = await attackWorld();
  hostKey = fileSigner(parsePrivateKey(new Uint8Array(readFileSync(join(w.state, "host.key")))));
});
after(async () => {
  await w.stop();
});

function payloadOf(m: Message): Record<string, unknown> {
  return JSON.parse(Buffer.from(fromBase64((m.offer as { payload: string }).payload)).toString("utf8"));
}

async function resigned(
  m: Message,
  change: (o: Record<string, unknown>) => void,
  signer: Signer,
): Promise<Message> {
  const o = payloadOf(m);
  change(o);
  const env = m.offer as { payloadType: string };
  return { ...m, offer: (await signDsse(env.payloadType, utf8Encode(JSON.stringify(o)), signer)) as never };
}

test("sealed-offer-unsigned: an offer without a signature is refused; J stays home", async () => {
  const r = await attack(w, { offer: (m) => ({ ...m, offer: { ...(m.offer as object), signatures: [] } }) });
  assert.equal(r.code, "OFFER_INVALID");
  assert.equal(r.released, false);
});

test("sealed-offer-unsigned: an attacker's E signed by the attacker's key is refused", async () => {
  const attacker = fileSigner(generateKey("ed25519").privateKey);
  const e = newAgeKeyPair();
  const r = await attack(w, {
    offer: (m) =>
      resigned(
        m,
        (o) => {
          o.tee_pubkey = e.recipient;
          o.report_data = toHex(reportData(String(o.nonce), e.recipient));
        },
        attacker,
      ),
  });
  assert.equal(r.code, "OFFER_INVALID");
  assert.equal(r.released, false);
});

test("sealed-offer-unsigned: an attacker's E inside the host-signed offer (signature kept) is refused", async () => {
  const e = newAgeKeyPair();
  const r = await attack(w, {
    offer: (m) => {
      const env = m.offer as { payload: string };
      const o = payloadOf(m);
      o.tee_pubkey = e.recipient;
      return { ...m, offer: { ...env, payload: Buffer.from(JSON.stringify(o)).toString("base64") } };
    },
  });
  assert.equal(r.code, "OFFER_INVALID");
  assert.equal(r.released, false);
});

test("sealed-offer-unsigned: a genuine host signature over another nonce or job digest is refused", async () => {
  for (const field of ["nonce", "job_digest"] as const) {
    const r = await attack(w, {
      offer: (m) =>
        resigned(
          m,
          (o) => {
            o[field] = field === "nonce" ? "A".repeat(43) : "0".repeat(64);
          },
          hostKey,
        ),
    });
    assert.equal(r.code, "OFFER_INVALID", field);
    assert.equal(r.released, false);
  }
});

test("sealed-offer-unsigned: report data not bound to (nonce, E) is refused", async () => {
  const r = await attack(w, {
    offer: (m) => resigned(m, (o) => void (o.report_data = "00".repeat(64)), hostKey),
  });
  assert.equal(r.code, "OFFER_INVALID");
  assert.equal(r.released, false);
});
