import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { receiptVectors } from "../../test/kit/receipt-vectors.js";
import { isSigrunError } from "../core/index.js";
import { parsePublicKey } from "../keys/index.js";
import { verifyReceipt } from "./receipt.js";

const DIR = "vectors/receipt";

test("receipt vectors: each case verifies or fails with its code", () => {
  const cases = JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")) as {
    file: string;
    hostPub: string;
    expect: string;
  }[];
  assert.ok(cases.length >= 7);
  for (const c of cases) {
    const pub = parsePublicKey(readFileSync(join(DIR, c.hostPub)));
    const bytes = readFileSync(join(DIR, c.file));
    if (c.expect === "ok") {
      const st = verifyReceipt(bytes, pub);
      assert.equal(st.predicate.attestation.type, "none", c.file);
    } else {
      assert.throws(
        () => verifyReceipt(bytes, pub),
        (err) => isSigrunError(err, c.expect as never),
        c.file,
      );
    }
  }
});

test("receipt vectors: regenerating gives the same bytes (deterministic Ed25519, canonical JSON)", async () => {
  const v = await receiptVectors();
  assert.equal(readFileSync(join(DIR, "host.pub"), "utf8"), v.hostPub);
  for (const x of v.vectors)
    assert.deepEqual(new Uint8Array(readFileSync(join(DIR, x.file))), x.bytes, x.file);
});
