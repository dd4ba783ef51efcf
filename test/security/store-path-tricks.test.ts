import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { listFiles, rawHttp, startTestStore } from "../kit/store.js";

/**
 * Only `/blobs/sha256:<64 lower-case hex>` names a blob. Traversal, encodings, other algorithms, case,
 * length, suffixes and queries are 400/404 and never touch a file outside blobs/.
 */
it("path tricks in the digest", async () => {
  const s = await startTestStore();
  try {
    const hex = "a".repeat(64);
    const paths = [
      "/blobs/sha256:../../etc/passwd",
      "/blobs/sha256:..%2f..%2fetc%2fpasswd",
      "/blobs/%2e%2e/meta",
      "/blobs/../meta/x.json",
      `/blobs/sha256:${hex.toUpperCase()}`,
      `/blobs/sha256:${hex}a`,
      `/blobs/sha256:${hex.slice(1)}`,
      `/blobs/sha512:${hex}${hex}`,
      `/blobs/sha256:${hex}/`,
      `/blobs/sha256:${hex}?x=1`,
      `/blobs//sha256:${hex}`,
      `/blobs/sha256%3A${hex}`,
      `/blobs/${hex}`,
      "/blobs/",
      "/",
    ];
    for (const p of paths) {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const line = await rawHttp(
          s.port,
          `${method} ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nX-Delete-Token: t\r\nConnection: close\r\n\r\nabc`,
        );
        assert.match(line, /^HTTP\/1\.1 (400|404) /, `${method} ${p}: ${line}`);
      }
    }
    assert.deepEqual(listFiles(s.root), []);
    assert.equal(existsSync(join(s.root, "etc")), false);
  } finally {
    await s.cleanup();
  }
});
