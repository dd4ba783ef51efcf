import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { isSigrunError } from "../../src/core/index.js";
import { CHUNK_SIZE, ENC_CHUNK_SIZE, sealBytes, unseal } from "../../src/seal/index.js";
import { sealKeys, unsealOutcome } from "../kit/seal.js";

/**
 * Truncating a sealed file at every chunk boundary (and inside the header, the nonce, and a chunk) fails
 * with a coded error, and unsealing to a path then leaves no output file and no temporary file.
 */
it("truncation at every chunk boundary fails and leaves no output", async () => {
  const k = sealKeys();
  const chunks = 5;
  const file = await sealBytes(randomBytes(chunks * CHUNK_SIZE - 10), [k.recipient]);
  const payloadStart = file.byteLength - (chunks - 1) * ENC_CHUNK_SIZE - (ENC_CHUNK_SIZE - 10);
  const cuts = [0, 10, payloadStart - 17, payloadStart - 16, payloadStart - 1, payloadStart];
  for (let c = 1; c < chunks; c++) cuts.push(payloadStart + c * ENC_CHUNK_SIZE);
  for (let c = 0; c < chunks; c++)
    cuts.push(payloadStart + c * ENC_CHUNK_SIZE + 100, payloadStart + (c + 1) * ENC_CHUNK_SIZE - 1);
  cuts.push(file.byteLength - 1);
  const dir = mkdtempSync(join(tmpdir(), "sigrun-trunc-"));
  try {
    for (const cut of cuts.filter((c) => c < file.byteLength)) {
      const outcome = await unsealOutcome(file.subarray(0, cut), k.identities);
      // Inside the header or the 16-byte nonce: malformed; from the first chunk on: a payload failure.
      const expected = cut < payloadStart ? "SEAL_MALFORMED" : "SEAL_PAYLOAD_INVALID";
      assert.equal(outcome, expected, `cut at ${cut}`);
      const inPath = join(dir, "cut.age");
      writeFileSync(inPath, file.subarray(0, cut));
      await assert.rejects(unseal(inPath, join(dir, "out"), k.identities), (e) => isSigrunError(e));
      assert.equal(existsSync(join(dir, "out")), false);
      assert.deepEqual(readdirSync(dir), ["cut.age"], `cut at ${cut}: leftovers`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
