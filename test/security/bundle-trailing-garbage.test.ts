import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyBundle, verifyOpensslBundle } from "../../src/bundle/index.js";
import {
  classicSigned,
  ed25519,
  enc,
  outcome,
  rawTar,
  rawTarEntry,
  signedBundle,
  trustFor,
} from "../kit/bundle-fixtures.js";

test("bytes after the end-of-archive marker are refused", async () => {
  const k = ed25519();
  const b = await signedBundle([k]);
  const junk = new Uint8Array(Buffer.concat([b, Buffer.from("#!/bin/sh\nevil\n".padEnd(512, "\0"))]));
  assert.equal(
    outcome(() => verifyBundle(junk, { trust: trustFor([k]) })),
    "BUNDLE_MALFORMED",
  );
  const zeros = new Uint8Array(Buffer.concat([b, Buffer.alloc(512)]));
  assert.equal(
    outcome(() => verifyBundle(zeros, { trust: trustFor([k]) })),
    "BUNDLE_MALFORMED",
    "extra zero blocks are not canonical",
  );
  const tar = rawTar(
    [
      rawTarEntry({ name: "script.rhai", data: enc("1") }),
      rawTarEntry({ name: "policy.cedar", data: enc("p") }),
    ],
    new Uint8Array(Buffer.concat([Buffer.alloc(1024), Buffer.from("garbage".padEnd(512, "\0"))])),
  );
  const c = classicSigned(tar);
  assert.equal(
    outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
    "BUNDLE_MALFORMED",
  );
});
