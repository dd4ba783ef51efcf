import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { seal } from "../../src/seal/index.js";
import { openStore } from "../../src/store/index.js";
import { startTestS3 } from "../kit/s3.js";
import { sealKeys } from "../kit/seal.js";
import { listFiles, startTestStore } from "../kit/store.js";

/**
 * The store only ever sees ciphertext: after sealing inputs and uploading them (to `store serve` and to
 * an S3 server), no file under either store's directory contains any 16-byte window of any input's
 * plaintext, nor its file name.
 */
it("the store directory never contains any input's plaintext", async () => {
  const work = mkdtempSync(join(tmpdir(), "sigrun-noplain-"));
  const s = await startTestStore();
  const s3 = await startTestS3();
  try {
    const k = sealKeys();
    const inputs = [
      Buffer.from("TOP-SECRET-MARKER the quarterly numbers are 42, 43 and 44\n".repeat(50)),
      randomBytes(300_000),
      Buffer.alloc(70_000, 0x41),
    ];
    const stores = [openStore(s.url), openStore(s3.url("inputs"), { env: s3.env })];
    for (const [i, pt] of inputs.entries()) {
      writeFileSync(join(work, `secret-input-${i}.csv`), pt);
      await seal(join(work, `secret-input-${i}.csv`), join(work, `${i}.age`), [k.recipient]);
      for (const st of stores) await st.put(join(work, `${i}.age`));
    }
    const files = [...listFiles(s.root), ...listFiles(s3.dir)];
    assert.ok(files.length >= 6);
    for (const f of files) {
      const data = readFileSync(f);
      assert.ok(!f.includes("secret-input"), `file name leaked: ${f}`);
      assert.ok(!data.includes("secret-input"), `name inside ${f}`);
      for (const pt of inputs) {
        for (let off = 0; off + 16 <= pt.byteLength; off += 997) {
          assert.equal(data.indexOf(pt.subarray(off, off + 16)), -1, `plaintext at ${off} found in ${f}`);
        }
      }
    }
  } finally {
    await s.cleanup();
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
});
