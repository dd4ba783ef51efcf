import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it } from "node:test";
import fc from "fast-check";
import { CHUNK_SIZE, sealBytes } from "../../src/seal/index.js";
import { sealKeys, unsealOutcome } from "../kit/seal.js";

/**
 * Flipping any single bit anywhere in a sealed file — version line, stanza, MAC, nonce, any chunk or tag,
 * binary or armored — makes unseal fail with a SEAL_* code; it never succeeds and never throws uncoded.
 */
const RUNS = process.env.SLOW ? 5000 : 1000;
const SEAL_CODES = new Set(["SEAL_MALFORMED", "SEAL_NO_IDENTITY", "SEAL_HEADER_MAC", "SEAL_PAYLOAD_INVALID"]);

for (const armor of [false, true]) {
  it(`a single bit flip anywhere fails (${armor ? "armored" : "binary"}, ${RUNS} runs)`, async () => {
    const k = sealKeys();
    const file = await sealBytes(randomBytes(2 * CHUNK_SIZE + 100), [k.recipient], { armor });
    assert.equal(await unsealOutcome(file, k.identities), `OK ${2 * CHUNK_SIZE + 100}`);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: file.byteLength * 8 - 1 }), async (bitIndex) => {
        const f = new Uint8Array(file);
        f[bitIndex >> 3]! ^= 1 << (bitIndex & 7);
        const outcome = await unsealOutcome(f, k.identities);
        // Armor tolerates whitespace around the block only; a flip there must still never yield success
        // with different data — it cannot, since the block itself is unchanged. So for armor, a flip that
        // turns a trailing newline into other whitespace is the one harmless case.
        if (armor && outcome.startsWith("OK") && bitIndex >= (file.byteLength - 1) * 8) return;
        assert.ok(SEAL_CODES.has(outcome), `bit ${bitIndex}: ${outcome}`);
      }),
      { numRuns: RUNS },
    );
  });
}
