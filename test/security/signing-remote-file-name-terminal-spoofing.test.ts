// Attack: the initiator (untrusted CI) names the file it asks the signer to sign. A name with terminal
// control sequences (C1 CSI `\u009b`, which needs no ESC), bidi overrides (`invoice\u202Efdp.exe` shows
// as "invoiceexe.pdf") or zero-width characters could make the signer's review show another name
// than the one signed and logged. The wire format refuses such names outright (the review also
// neutralizes them, but a refused request never reaches the audit log or the signature file name).
import assert from "node:assert/strict";
import { test } from "node:test";
import { isSigrunError } from "../../src/core/index.js";
import { cborEncode } from "../../src/session/cbor.js";
import { decodeRequest, encodeRequest } from "../../src/signing/messages.js";

const sha = new Uint8Array(32);
const hostile = [
  "invoice\u202Efdp.exe", // right-to-left override
  "a\u2066b\u2069c", // isolates
  "release\u200B.tar.gz", // zero-width space
  "x\u009b31mred", // C1 CSI
  "x\u0085y", // C1 NEL
  "x\u001b[2Jclear", // ESC (already refused)
  "x\uFEFFy", // BOM / zero-width no-break space
  "x\u2028y", // line separator
];

const shown = (s: string) =>
  s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

for (const name of hostile) {
  test(`request name "${shown(name)}" is refused on the wire`, () => {
    const raw = cborEncode([1, "file", name, 10, sha, "raw"]);
    assert.throws(
      () => decodeRequest(raw),
      (e: unknown) => isSigrunError(e) && e.code === "CHANNEL_ERROR",
    );
    assert.throws(() =>
      encodeRequest({ reqId: 1, kind: "file", name, size: 10, sha256: sha, format: "raw" }),
    );
  });
}

test("ordinary names, including non-Latin scripts, still pass", () => {
  for (const name of ["app-1.2.3.tar.gz", "отчёт.pdf", "データ.bin", "a b.txt"]) {
    const r = decodeRequest(cborEncode([1, "file", name, 10, sha, "raw"]));
    assert.equal(r.name, name);
  }
});
