import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { MAX_ARCHIVE_BYTES } from "../../src/host/index.js";
import { extractHostile } from "../kit/archive-attack.js";

// 1 MiB of zeros gzips to ~1 KiB; concatenated members decompress to more than the cap.
test("a gzip bomb stops at the decompression cap and writes nothing", async () => {
  const member = gzipSync(Buffer.alloc(1024 * 1024));
  const count = MAX_ARCHIVE_BYTES / (1024 * 1024) + 1;
  const gz = Buffer.concat(Array.from({ length: count }, () => member));
  assert.ok(gz.length < 2 * 1024 * 1024);
  const r = await extractHostile({ gz });
  assert.equal(r.status, "ERROR");
  assert.match(r.message, /decompressed size exceeds 268435456 bytes/);
  assert.deepEqual(r.out, []);
});

test("data that is not gzip is refused", async () => {
  const r = await extractHostile({ gz: Buffer.from("not a gzip stream at all, just text") });
  assert.equal(r.status, "ERROR");
  assert.match(r.message, /not gzip data/);
});
