import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import {
  ed25519,
  enc,
  failure,
  memorySource,
  rawTar,
  rawTarEntry,
  sgbOutcome,
  signedBundle,
  trustFor,
} from "../../test/kit/bundle-fixtures.js";
import { sha256Hex } from "../core/index.js";
import { verifyBundleSource } from "./index.js";
import { readCanonicalTar, writeTar } from "./tar.js";
import { scanCanonicalTar } from "./tar-scan.js";

// verifyBundleSource (sigrun verify of a file) must accept exactly what verifyBundle accepts and refuse
// everything else with the same code and message: sgbOutcome runs both and throws if they differ.

async function fixture() {
  const k = ed25519();
  // a file over several scan chunks, one ending mid-block (padding), one empty
  const bundle = await signedBundle([k], {
    extra: {
      "inputs/big.bin": new Uint8Array(randomBytes(5000)),
      "inputs/empty": new Uint8Array(0),
      "inputs/odd.txt": enc("x".repeat(513)),
    },
  });
  return { bundle, opts: { trust: trustFor([k]) } };
}

test("a signed .sgb verifies read in chunks, with the same result as in memory", async () => {
  const { bundle, opts } = await fixture();
  assert.equal(sgbOutcome(bundle, opts), "OK");
  for (const maxRead of [1, 511, 512, 4096]) {
    const v = verifyBundleSource(memorySource(bundle, maxRead), opts);
    assert.equal(v.form, "sgb");
    assert.equal(v.manifest.files.length, 5);
    assert.equal(v.signers.length, 1);
  }
});

test("scanCanonicalTar hashes every file across chunk boundaries and keeps only what it is asked to", () => {
  const entries = [
    { name: "a", data: new Uint8Array(randomBytes(3000)) },
    { name: "b", data: new Uint8Array(0) },
    { name: "c", data: new Uint8Array(randomBytes(1024)) },
  ];
  const tar = writeTar(entries);
  for (const chunk of [512, 1024, 1536, 1 << 20]) {
    const got = scanCanonicalTar(memorySource(tar, 300), 10, (n) => n === "c", chunk);
    assert.deepEqual(
      got.map((e) => [e.name, e.size, e.sha256, e.data === undefined]),
      entries.map((e) => [e.name, e.data.byteLength, sha256Hex(e.data), e.name !== "c"]),
    );
    assert.deepEqual(got[2]!.data, entries[2]!.data);
  }
  assert.equal(readCanonicalTar(tar, 10).length, 3);
  assert.match(
    failure(() => scanCanonicalTar(memorySource(tar), 2, () => false)),
    /more than 2 entries/,
  );
});

test("truncated, extended and bit-flipped bundles: the same code and message as in memory", async () => {
  const { bundle, opts } = await fixture();
  const codes = new Set<string>();
  for (let len = 0; len < bundle.byteLength; len += len < 2048 ? 1 : 97)
    codes.add(sgbOutcome(bundle.subarray(0, len), opts));
  for (const tail of [new Uint8Array(1), new Uint8Array(512), enc("#!/bin/sh\n".padEnd(512, "\0"))])
    codes.add(sgbOutcome(new Uint8Array(Buffer.concat([bundle, tail])), opts));
  for (let byte = 0; byte < bundle.byteLength; byte += 3) {
    const copy = new Uint8Array(bundle);
    copy[byte]! ^= 1 << (byte % 8);
    codes.add(sgbOutcome(copy, opts));
  }
  assert.ok(!codes.has("OK"), "no damaged bundle verifies");
  for (const c of ["BUNDLE_MALFORMED", "DIGEST_MISMATCH", "SIGNATURE_INVALID"]) assert.ok(codes.has(c), c);
});

test("caps: an oversized archive and too many entries are refused as in memory", async () => {
  const { bundle, opts } = await fixture();
  assert.equal(
    sgbOutcome(bundle, { ...opts, caps: { maxArchiveBytes: bundle.byteLength - 1 } }),
    "BUNDLE_MALFORMED",
  );
  assert.equal(sgbOutcome(bundle, { ...opts, caps: { maxEntries: 4 } }), "BUNDLE_MALFORMED");
  assert.equal(sgbOutcome(bundle, { ...opts, caps: { maxMetadataBytes: 64 } }), "BUNDLE_MALFORMED");
});

test("non-canonical headers, directories and links are refused with the in-memory message", async () => {
  const { opts } = await fixture();
  const odd = [
    rawTar([rawTarEntry({ name: "manifest.json", data: enc("{}"), type: "5" })]),
    rawTar([rawTarEntry({ name: "d/", type: "5" })]),
    rawTar([rawTarEntry({ name: "l", type: "2", linkname: "/etc/passwd" })]),
    rawTar([rawTarEntry({ name: "x", data: enc("1"), prefix: "p".repeat(60) + "é".repeat(40) })]),
    rawTar([rawTarEntry({ name: "a", data: enc("1") }), rawTarEntry({ name: "a", data: enc("2") })]),
    rawTar([rawTarEntry({ name: "a", data: enc("1") })], new Uint8Array(512)),
  ];
  for (const tar of odd) assert.equal(sgbOutcome(tar, opts), "BUNDLE_MALFORMED");
});

test("a file that changes size while it is read is an IO_ERROR, never a verified bundle", async () => {
  const { bundle, opts } = await fixture();
  const shrunk = { size: bundle.byteLength, read: memorySource(bundle.subarray(0, 4096)).read };
  assert.match(
    failure(() => verifyBundleSource(shrunk, opts)),
    /^IO_ERROR: .*changed size/,
  );
  const grown = {
    size: bundle.byteLength,
    read: memorySource(new Uint8Array(Buffer.concat([bundle, Buffer.alloc(512)]))).read,
  };
  assert.match(
    failure(() => verifyBundleSource(grown, opts)),
    /^IO_ERROR: .*changed size/,
  );
});
