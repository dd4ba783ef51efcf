// Attack: a job that requires a TEE (`execute --require-tee`) is answered by a host without one
// (attestation type "none"), or by a host that claims a TEE type sigrun cannot verify. Expected:
// ATTESTATION_INVALID, and the job key J is never released; nothing in --outputs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fromBase64, toBase64, utf8Encode } from "../../src/core/index.js";
import { signDsse } from "../../src/jobwire/index.js";
import { fileSigner, parsePrivateKey } from "../../src/keys/index.js";
import { type AttackWorld, attack, attackWorld } from "../kit/sealed-attack.js";

let w: AttackWorld;
before(async () => {
  w = await attackWorld();
});
after(async () => {
  await w.stop();
});

test("sealed-tee-required: type none is refused under --require-tee and J is not released", async () => {
  const r = await attack(w, {}, { requireTee: true });
  assert.equal(r.code, "ATTESTATION_INVALID");
  assert.equal(r.released, false);
});

test("sealed-tee-required: a claimed TEE type with evidence sigrun cannot verify is refused", async () => {
  // the host's own receipt key signs a claim of "sgx" (a compromised host could): no verifier → refused
  const hostKey = fileSigner(parsePrivateKey(new Uint8Array(readFileSync(join(w.state, "host.key")))));
  for (const requireTee of [true, false]) {
    const r = await attack(
      w,
      {
        offer: async (m) => {
          const env = m.offer as { payloadType: string; payload: string };
          const offer = JSON.parse(Buffer.from(fromBase64(env.payload)).toString("utf8"));
          offer.attestation = { type: "sgx", evidence: toBase64(utf8Encode("trust me")) };
          return {
            ...m,
            offer: (await signDsse(env.payloadType, utf8Encode(JSON.stringify(offer)), hostKey)) as never,
          };
        },
      },
      { requireTee },
    );
    assert.equal(r.code, "ATTESTATION_INVALID");
    assert.equal(r.released, false);
  }
});
