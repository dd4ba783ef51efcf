import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { startTestS3, type TestS3 } from "../../test/kit/s3.js";
import { isSigrunError } from "../core/index.js";
import { openStore, parseSize, type RunningStore, refOfBytes, startStoreServer } from "./index.js";

const code = (e: unknown) => (isSigrunError(e) ? e.code : String(e));
let dir: string;
let srv: RunningStore;
let s3: TestS3;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-store-"));
  srv = await startStoreServer({ dir: join(dir, "store") }, { port: 0 });
  s3 = await startTestS3();
});
after(async () => {
  await srv?.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("store client", () => {
  const backends = () => [
    { name: "sigrun store serve", url: srv.url, opts: {} },
    { name: "s3 (s3rver)", url: s3.url(`t-${randomBytes(3).toString("hex")}`), opts: { env: s3.env } },
  ];

  it("put/get/head/rm round trip on both backends, from a file, a stream and bytes", async () => {
    for (const b of backends()) {
      const c = openStore(b.url, b.opts);
      const data = randomBytes(3 * 1024 * 1024 + 11);
      writeFileSync(join(dir, "blob"), data);
      const r1 = await c.put(join(dir, "blob"));
      assert.equal(r1.size, data.byteLength, b.name);
      assert.equal(r1.digest, refOfBytes(data).digest);
      assert.equal(r1.existed, false);
      const r2 = await c.put(Readable.from([data.subarray(0, 100), data.subarray(100)]));
      assert.equal(r2.existed, true, `${b.name}: second put of the same bytes`);
      assert.equal(await c.head(r1), data.byteLength);
      const out = join(dir, `out-${b.name.length}`);
      let seen = 0;
      await c.get(r1, out, { onProgress: (n) => (seen = n) });
      assert.deepEqual(readFileSync(out), data);
      assert.equal(seen, data.byteLength);
      assert.deepEqual(Buffer.from(await c.getBytes(r1)), data);
      const small = await c.put(new Uint8Array([1, 2, 3]));
      assert.deepEqual([...(await c.getBytes(small))], [1, 2, 3]);
      await c.rm(r1, r1.deleteToken);
      assert.equal(await c.head(r1), null, b.name);
      await c.rm(r1, r1.deleteToken); // idempotent
      await assert.rejects(c.getBytes(r1), (e) => code(e) === "STORE_NOT_FOUND");
    }
  });

  it("GET verifies size and digest before anything is written", async () => {
    for (const b of backends()) {
      const c = openStore(b.url, b.opts);
      const r = await c.put(new Uint8Array(randomBytes(1000)));
      const out = join(dir, "never");
      for (const wrong of [
        { digest: r.digest, size: r.size + 1 },
        { digest: r.digest, size: r.size - 1 },
      ]) {
        await assert.rejects(c.get(wrong, out), (e) => code(e) === "DIGEST_MISMATCH", b.name);
        assert.equal(existsSync(out), false);
      }
    }
  });

  it("put with the caller's known digest skips hashing; a wrong digest is refused by the store", async () => {
    for (const b of backends()) {
      const c = openStore(b.url, b.opts);
      const data = randomBytes(200_000);
      writeFileSync(join(dir, "known"), data);
      const ref = refOfBytes(data);
      const r = await c.put(join(dir, "known"), { ref });
      assert.equal(r.digest, ref.digest, b.name);
      assert.deepEqual(Buffer.from(await c.getBytes(r)), data);
      const other = refOfBytes(randomBytes(200_000));
      await assert.rejects(
        c.put(join(dir, "known"), { ref: other }),
        (e) => code(e) === "DIGEST_MISMATCH" || code(e) === "STORE_ERROR",
        b.name,
      );
      assert.equal(await c.head(other), null, `${b.name}: nothing stored under the wrong digest`);
    }
  });

  it("stream() checks the size as bytes arrive and the digest after the last one", async () => {
    const prefix = `stream-${randomBytes(3).toString("hex")}`;
    const c = openStore(s3.url(prefix), { env: s3.env });
    const data = randomBytes(300_000);
    const r = await c.put(new Uint8Array(data));
    const all = async (ref: { digest: string; size: number }) => {
      const parts: Buffer[] = [];
      for await (const p of c.stream(ref)) parts.push(p);
      return Buffer.concat(parts);
    };
    assert.deepEqual(await all(r), data);
    await assert.rejects(all({ digest: r.digest, size: r.size + 1 }), (e) => code(e) === "DIGEST_MISMATCH");
    await assert.rejects(all({ digest: r.digest, size: r.size - 1 }), (e) => code(e) === "DIGEST_MISMATCH");
    // Same size, other bytes behind the client's back: every byte arrives, then the digest fails.
    const { S3Client, s3ConfigFromUrl } = await import("./index.js");
    const raw = new S3Client(s3ConfigFromUrl(s3.url(prefix), s3.env));
    const evil = randomBytes(300_000);
    await raw.put(raw.key(r.digest), evil.byteLength, refOfBytes(evil).digest.slice(7), evil, false);
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const p of c.stream(r)) seen += p.byteLength;
      })(),
      (e) => code(e) === "DIGEST_MISMATCH",
    );
    assert.equal(seen, evil.byteLength);
  });

  it("a tampered blob on S3 is refused by the client", async () => {
    const prefix = `tamper-${randomBytes(3).toString("hex")}`;
    const c = openStore(s3.url(prefix), { env: s3.env });
    const r = await c.put(new Uint8Array(randomBytes(5000)));
    // Overwrite the object behind the client's back with other bytes of the same size.
    const { S3Client, s3ConfigFromUrl } = await import("./index.js");
    const raw = new S3Client(s3ConfigFromUrl(s3.url(prefix), s3.env));
    const evil = randomBytes(5000);
    await raw.put(raw.key(r.digest), 5000, refOfBytes(evil).digest.slice(7), evil, false);
    await assert.rejects(c.getBytes(r), (e) => code(e) === "DIGEST_MISMATCH");
    const listed = await raw.list();
    assert.deepEqual(
      listed.map((o) => o.key),
      [`${prefix}/${r.digest}`],
    );
  });

  it("retries network errors and 5xx (not 507), idempotently", async () => {
    const { createServer } = await import("node:http");
    const data = randomBytes(5000);
    const ref = refOfBytes(data);
    let gets = 0;
    let puts = 0;
    const flaky = createServer((req, res) => {
      req.resume();
      if (req.method === "GET" && ++gets === 1) return void res.writeHead(503).end();
      if (req.method === "GET" && gets === 2) return void req.socket.destroy();
      if (req.method === "GET") return void res.writeHead(200, { "content-length": "5000" }).end(data);
      if (req.method === "PUT" && ++puts === 1) return void res.writeHead(502).end();
      if (req.method === "PUT") return void res.writeHead(507).end('{"error":"STORE_FULL"}');
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (flaky.address() as import("node:net").AddressInfo).port;
      const c = openStore(`http://127.0.0.1:${port}`, { backoffMs: 10 });
      assert.deepEqual(Buffer.from(await c.getBytes(ref)), data);
      assert.equal(gets, 3);
      await assert.rejects(c.put(new Uint8Array(data)), (e) => code(e) === "STORE_FULL");
      assert.equal(puts, 2, "507 is not retried");
    } finally {
      flaky.close();
    }
  });

  it("rejects bad URLs and sizes", () => {
    assert.throws(
      () => openStore("ftp://x"),
      (e) => code(e) === "USAGE",
    );
    assert.throws(
      () => openStore("s3://b/p", { env: {} }),
      (e) => code(e) === "USAGE",
    );
    assert.equal(parseSize("2GiB"), 2 * 1024 ** 3);
    assert.equal(parseSize("500MB"), 500e6);
    assert.throws(() => parseSize("2 gigs"));
  });

  it("blobs expire after the TTL and are swept from disk", async () => {
    let now = Date.now();
    const root = mkdtempSync(join(tmpdir(), "sigrun-store-ttl-"));
    const s = await startStoreServer(
      { dir: root, ttlMs: 60_000, sweepIntervalMs: 30, clock: { now: () => now } },
      { port: 0 },
    );
    try {
      const c = openStore(s.url);
      const r = await c.put(new Uint8Array(randomBytes(100)));
      assert.equal(await c.head(r), 100);
      now += 59_000;
      assert.equal(await c.head(r), 100);
      now += 2_000;
      assert.equal(await c.head(r), null);
      await new Promise((res) => setTimeout(res, 200));
      assert.deepEqual(readdirSync(join(root, "blobs")), []);
      assert.deepEqual(readdirSync(join(root, "meta")), []);
      assert.deepEqual(s.dir.usage(), { bytes: 0, blobs: 0 });
    } finally {
      await s.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("the server keeps no names and lists nothing", async () => {
    const c = openStore(srv.url);
    await c.put(new Uint8Array([9, 9, 9]));
    const res = await fetch(`${srv.url}/blobs/`);
    assert.equal(res.status, 400);
    assert.equal((await fetch(`${srv.url}/blobs`)).status, 404);
    const meta = readdirSync(join(dir, "store", "meta"));
    const m = JSON.parse(readFileSync(join(dir, "store", "meta", meta[0]!), "utf8")) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(m).sort(), ["created", "deleteTokenSha256", "expires", "size"]);
  });
});
