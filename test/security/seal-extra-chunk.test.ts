import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { it } from "node:test";
import { CHUNK_SIZE, sealBytes } from "../../src/seal/index.js";
import { craftAgeFile, sealKeys, unsealOutcome } from "../kit/seal.js";

/**
 * Extending a sealed file fails: a validly encrypted extra chunk after the final one, two final chunks,
 * a missing final flag, a copy of the last chunk appended, or any trailing byte.
 */
it("an extra chunk after the final one is SEAL_PAYLOAD_INVALID", async () => {
  const k = sealKeys();
  const full = () => randomBytes(CHUNK_SIZE);
  const ok = await craftAgeFile(
    [k.recipient],
    [
      { plaintext: full(), last: false },
      { plaintext: randomBytes(5), last: true },
    ],
  );
  assert.equal(await unsealOutcome(ok, k.identities), `OK ${CHUNK_SIZE + 5}`);
  const cases = {
    "extra non-final chunk after the final one": [
      { plaintext: full(), last: true },
      { plaintext: full(), last: false },
    ],
    "two final chunks": [
      { plaintext: full(), last: true },
      { plaintext: randomBytes(5), last: true },
    ],
    "no final chunk": [
      { plaintext: full(), last: false },
      { plaintext: full(), last: false },
    ],
    "chunks reordered": [
      { plaintext: full(), last: false, counter: 1 },
      { plaintext: randomBytes(5), last: true, counter: 0 },
    ],
  };
  for (const [name, chunks] of Object.entries(cases)) {
    const f = await craftAgeFile([k.recipient], chunks);
    assert.equal(await unsealOutcome(f, k.identities), "SEAL_PAYLOAD_INVALID", name);
  }
  const sealed = await sealBytes(randomBytes(CHUNK_SIZE + 7), [k.recipient]);
  const lastChunk = sealed.subarray(sealed.byteLength - 7 - 16);
  for (const tail of [new Uint8Array([0]), lastChunk, randomBytes(CHUNK_SIZE + 16)]) {
    const f = new Uint8Array(Buffer.concat([sealed, tail]));
    assert.equal(await unsealOutcome(f, k.identities), "SEAL_PAYLOAD_INVALID", `tail of ${tail.byteLength}`);
  }
});
