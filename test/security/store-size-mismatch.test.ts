import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { it } from "node:test";
import { http, listFiles, sha256hex, startTestStore } from "../kit/store.js";

/**
 * Size is part of a blob's identity: a body shorter than Content-Length (connection closed early), a
 * body longer than it, chunked uploads without a length, or a length over the cap are all refused and
 * leave no blob and no temporary file.
 */
it("size mismatch on PUT", async () => {
  const s = await startTestStore({ maxBlobBytes: 1000 });
  try {
    const body = randomBytes(600);
    const path = `/blobs/sha256:${sha256hex(body)}`;
    // Shorter: announce 700, send 600, then close the write side.
    await new Promise<void>((resolve) => {
      const c = connect(s.port, "127.0.0.1", () => {
        c.write(`PUT ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 700\r\n\r\n`);
        c.end(body);
      });
      c.on("data", () => {});
      c.on("close", () => resolve());
      c.on("error", () => resolve());
    });
    // Longer: node:http would refuse to send it, so use a raw socket.
    const longer = await new Promise<string>((resolve) => {
      let got = "";
      const c = connect(s.port, "127.0.0.1", () => {
        c.write(`PUT ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n`);
        c.write(body);
      });
      c.on("data", (d) => (got += d.toString()));
      c.on("close", () => resolve(got));
      c.on("error", () => resolve(got));
    });
    assert.doesNotMatch(longer, /^HTTP\/1\.1 201/);
    const chunked = await http(s.port, "PUT", path, { "transfer-encoding": "chunked" }, body);
    assert.equal(chunked.status, 411);
    const big = randomBytes(1001);
    const over = await http(
      s.port,
      "PUT",
      `/blobs/sha256:${sha256hex(big)}`,
      { "content-length": "1001" },
      big,
    );
    assert.equal(over.status, 413);
    assert.equal((await http(s.port, "GET", path)).status, 404);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(listFiles(s.root), []);
    // The right size still works afterwards.
    const ok = await http(s.port, "PUT", path, { "content-length": "600" }, body);
    assert.equal(ok.status, 201);
  } finally {
    await s.cleanup();
  }
});
