import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { http, listFiles, sha256hex, startTestStore } from "../kit/store.js";

/**
 * When the disk cap (or blob count cap) is reached, a PUT answers 507 before storing anything, and
 * every blob already stored stays readable and intact. Space freed by a DELETE is usable again.
 */
it("disk full", async () => {
  const s = await startTestStore({ maxDiskBytes: 50_000, maxBlobs: 3 });
  try {
    const blobs = [randomBytes(20_000), randomBytes(20_000)];
    const tokens: string[] = [];
    for (const b of blobs) {
      const r = await http(s.port, "PUT", `/blobs/sha256:${sha256hex(b)}`, { "content-length": "20000" }, b);
      assert.equal(r.status, 201);
      tokens.push(JSON.parse(r.body).deleteToken);
    }
    const third = randomBytes(20_000);
    const full = await http(
      s.port,
      "PUT",
      `/blobs/sha256:${sha256hex(third)}`,
      { "content-length": "20000" },
      third,
    );
    assert.equal(full.status, 507);
    assert.deepEqual(JSON.parse(full.body), { error: "STORE_FULL" });
    for (const b of blobs) {
      const g = await http(s.port, "GET", `/blobs/sha256:${sha256hex(b)}`);
      assert.equal(g.status, 200);
      assert.deepEqual(readFileSync(join(s.root, "store", "blobs", sha256hex(b))), b);
    }
    assert.equal(listFiles(join(s.root, "store", "tmp")).length, 0);
    // Count cap: a small third blob fits the disk cap; a fourth hits the count cap.
    const tiny = [randomBytes(5), randomBytes(6)];
    assert.equal(
      (await http(s.port, "PUT", `/blobs/sha256:${sha256hex(tiny[0]!)}`, { "content-length": "5" }, tiny[0]))
        .status,
      201,
    );
    assert.equal(
      (await http(s.port, "PUT", `/blobs/sha256:${sha256hex(tiny[1]!)}`, { "content-length": "6" }, tiny[1]))
        .status,
      507,
    );
    // Free space and retry.
    const del = await http(s.port, "DELETE", `/blobs/sha256:${sha256hex(blobs[0]!)}`, {
      "x-delete-token": tokens[0]!,
    });
    assert.equal(del.status, 204);
    const retry = await http(
      s.port,
      "PUT",
      `/blobs/sha256:${sha256hex(third)}`,
      { "content-length": "20000" },
      third,
    );
    assert.equal(retry.status, 201);
  } finally {
    await s.cleanup();
  }
});
