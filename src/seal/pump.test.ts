import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { UnsealEngine } from "./decrypt.js";
import { SealEngine } from "./encrypt.js";
import {
  CHUNK_SIZE,
  ENC_CHUNK_SIZE,
  generateX25519KeyPair,
  parseIdentityFile,
  parseRecipient,
  seal,
  unseal,
} from "./index.js";
import { READ_SIZE } from "./pump.js";

// The fast I/O path: engines that keep a copy of their tail (callers reuse their input buffers), and the
// file reader's two alternating 1 MiB buffers, at every boundary where a chunk, a read and the end meet.

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-pump-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const kp = generateX25519KeyPair();
const recipients = [parseRecipient(kp.recipient)];
const identities = parseIdentityFile(Buffer.from(kp.identity));

/** Feeds `data` to `push` in pieces of random sizes, each copied into ONE scratch buffer that is then scribbled over. */
async function feedReused(
  data: Buffer,
  push: (piece: Uint8Array, out: Buffer[]) => unknown,
  out: Buffer[],
  maxPiece: number,
): Promise<void> {
  const scratch = Buffer.alloc(maxPiece);
  let off = 0;
  while (off < data.byteLength) {
    const n = Math.min(1 + Math.floor(Math.random() * maxPiece), data.byteLength - off);
    data.copy(scratch, 0, off, off + n);
    await push(scratch.subarray(0, n), out);
    scratch.fill(0xa5);
    off += n;
  }
}

describe("seal/unseal engines with a reused input buffer", () => {
  for (const size of [0, 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 5 * CHUNK_SIZE + 77]) {
    it(`${size} bytes in random pieces up to 3 chunks`, async () => {
      const pt = randomBytes(size);
      const sealer = await SealEngine.create(recipients);
      const ct: Buffer[] = [];
      await feedReused(pt, (p, o) => sealer.push(p, o), ct, 3 * CHUNK_SIZE);
      sealer.end(ct);
      const file = Buffer.concat(ct);
      assert.equal(file.byteLength > size, true);
      const opener = new UnsealEngine(identities);
      const back: Buffer[] = [];
      await feedReused(file, (p, o) => opener.push(p, o), back, 3 * ENC_CHUNK_SIZE);
      await opener.end(back);
      assert.deepEqual(Buffer.concat(back), pt);
    });
  }

  it("a tampered chunk fails after the plaintext of the chunks before it", async () => {
    const pt = randomBytes(4 * CHUNK_SIZE);
    const sealer = await SealEngine.create(recipients);
    const ct: Buffer[] = [];
    sealer.push(pt, ct);
    sealer.end(ct);
    const file = Buffer.concat(ct);
    const at = file.byteLength - 2 * ENC_CHUNK_SIZE; // inside the third chunk
    file.writeUInt8(file.readUInt8(at) ^ 1, at);
    const opener = new UnsealEngine(identities);
    const back: Buffer[] = [];
    await assert.rejects(
      (async () => {
        await opener.push(file, back);
        await opener.end(back);
      })(),
      /SEAL_PAYLOAD_INVALID|chunk failed/,
    );
    assert.deepEqual(Buffer.concat(back), pt.subarray(0, 2 * CHUNK_SIZE));
  });
});

const hasAge = !spawnSync("age", ["--version"]).error;

describe("seal and unseal of files across read boundaries", () => {
  const sizes = [READ_SIZE, READ_SIZE + 1, 2 * READ_SIZE + CHUNK_SIZE, 3 * READ_SIZE - 5];
  for (const size of sizes) {
    it(`${size} bytes: path → path, and the age CLI opens it`, async (t) => {
      const pt = randomBytes(size);
      const inPath = join(dir, `in-${size}`);
      writeFileSync(inPath, pt);
      const ctPath = join(dir, `ct-${size}`);
      const res = await seal(inPath, ctPath, recipients);
      assert.equal(res.bytesIn, size);
      assert.equal(res.bytesOut, readFileSync(ctPath).byteLength);
      const back = join(dir, `pt-${size}`);
      const opened = await unseal(ctPath, back, identities);
      assert.equal(opened.bytesOut, size);
      assert.deepEqual(readFileSync(back), pt);
      if (!hasAge) {
        if (process.env.CI) assert.fail("age CLI missing");
        t.skip("age CLI not installed");
        return;
      }
      const idPath = join(dir, "id.txt");
      writeFileSync(idPath, `${kp.identity}\n`);
      const r = spawnSync("age", ["-d", "-i", idPath, ctPath], { maxBuffer: 8 * READ_SIZE });
      assert.equal(r.status, 0, String(r.stderr));
      assert.deepEqual(r.stdout, pt);
    });
  }

  it("a stream input and a stream output (corked batches) round-trip", async () => {
    const pt = randomBytes(2 * READ_SIZE + 3);
    const pieces: Buffer[] = [];
    const sink = new Writable({
      highWaterMark: 1024,
      write(c: Buffer, _e, cb) {
        pieces.push(Buffer.from(c));
        setImmediate(cb);
      },
    });
    await seal(Readable.from([pt.subarray(0, 1000), pt.subarray(1000)]), sink, recipients);
    const ctPath = join(dir, "stream.age");
    writeFileSync(ctPath, Buffer.concat(pieces));
    const back = join(dir, "stream.out");
    await unseal(ctPath, back, identities);
    assert.deepEqual(readFileSync(back), pt);
  });
});
