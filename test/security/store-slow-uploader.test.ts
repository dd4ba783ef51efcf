import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { it } from "node:test";
import { http, listFiles, sha256hex, startTestStore } from "../kit/store.js";

/**
 * An uploader that stalls mid-body (slowloris on PUT) is dropped after the idle timeout; its partial
 * upload is discarded (no blob, no temp file, the reservation released), and other clients are served
 * while it hangs.
 */
it("slow uploader", async () => {
  const s = await startTestStore({ idleTimeoutMs: 400, maxDiskBytes: 10_000 });
  try {
    const body = randomBytes(8000);
    const path = `/blobs/sha256:${sha256hex(body)}`;
    const closed = new Promise<void>((resolve) => {
      const c = connect(s.port, "127.0.0.1", () => {
        c.write(`PUT ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 8000\r\n\r\n`);
        c.write(body.subarray(0, 100));
      });
      c.on("data", () => {});
      c.on("close", () => resolve());
      c.on("error", () => resolve());
    });
    await new Promise((r) => setTimeout(r, 100));
    // While it stalls (holding 8000 of 10000 bytes of quota), others are served.
    const small = randomBytes(10);
    const ok = await http(
      s.port,
      "PUT",
      `/blobs/sha256:${sha256hex(small)}`,
      { "content-length": "10" },
      small,
    );
    assert.equal(ok.status, 201);
    const started = Date.now();
    await closed;
    assert.ok(Date.now() - started < 5000, "the stalled upload was dropped");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await http(s.port, "GET", path)).status, 404);
    assert.deepEqual(
      listFiles(s.root)
        .map((f) => f.slice(s.root.length))
        .filter((f) => f.includes("/tmp/")),
      [],
    );
    // Its reservation is gone: the full upload now fits.
    const again = await http(s.port, "PUT", path, { "content-length": "8000" }, body);
    assert.equal(again.status, 201);
  } finally {
    await s.cleanup();
  }
});
