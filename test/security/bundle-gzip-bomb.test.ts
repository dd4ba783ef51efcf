import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { verifyOpensslBundle } from "../../src/bundle/index.js";
import { generateKey, rawSign } from "../../src/keys/index.js";
import { outcome, trustFor } from "../kit/bundle-fixtures.js";

test("a gzip bomb stops at the decompressed-size cap", () => {
  const member = gzipSync(new Uint8Array(1024 * 1024));
  const bomb = new Uint8Array(Buffer.concat(Array.from({ length: 300 }, () => member))); // 300 MiB of zeros from ~300 KiB
  assert.ok(bomb.byteLength < 1024 * 1024);
  const key = generateKey("p256");
  const sig = rawSign("p256", key.privateKey, bomb);
  const before = process.memoryUsage().rss;
  assert.equal(
    outcome(() => verifyOpensslBundle(bomb, sig, { trust: trustFor([key]) })),
    "BUNDLE_MALFORMED",
  );
  assert.equal(
    outcome(() =>
      verifyOpensslBundle(bomb, sig, { trust: trustFor([key]), caps: { maxArchiveBytes: 4 * 1024 * 1024 } }),
    ),
    "BUNDLE_MALFORMED",
  );
  assert.ok(process.memoryUsage().rss - before < 600 * 1024 * 1024);
});
