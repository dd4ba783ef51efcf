import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { isSigrunError } from "../core/index.js";
import {
  describeKeyFile,
  fileSigner,
  parsePrivateKey,
  type SignatureFormat,
  signFile,
  verifyDetached,
} from "./index.js";

/** Checks every case in vectors/keys/cases.json (see docs/spec/signature-formats.md §Vectors). */
const DIR = new URL("../../../vectors/keys/", import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));

interface Case {
  name: string;
  format?: SignatureFormat;
  namespace?: string;
  sig: string;
  pub: string;
  keyId?: string;
  expect: "ok" | "fail" | "error";
  code?: string;
  now?: string;
  resign?: string;
}
const vectors = JSON.parse(readFileSync(new URL("cases.json", DIR), "utf8")) as {
  message: string;
  keys: { file: string; passphrase?: string; keyId: string }[];
  cases: Case[];
};
const message = read(vectors.message);

for (const c of vectors.cases) {
  it(`case ${c.name}`, async () => {
    const opts = {
      ...(c.format ? { format: c.format } : {}),
      ...(c.namespace ? { namespace: c.namespace } : {}),
      ...(c.now ? { now: new Date(c.now) } : {}),
    };
    if (c.expect === "error") {
      await assert.rejects(
        verifyDetached(message, read(c.sig), read(c.pub), opts),
        (e) => isSigrunError(e) && e.code === c.code,
      );
      return;
    }
    const res = await verifyDetached(message, read(c.sig), read(c.pub), opts);
    assert.equal(res.ok, c.expect === "ok");
    if (c.keyId) assert.equal(res.keyId, c.keyId);
    if (c.format && c.expect === "ok") assert.equal(res.format, c.format);
    if (c.resign && c.format) {
      const signer = fileSigner(parsePrivateKey(read(c.resign)));
      const again = await signFile(signer, message, c.format, {
        namespace: c.namespace ?? "file",
        ...(c.now ? { now: new Date(c.now) } : {}),
      });
      assert.deepEqual(
        Buffer.from(again),
        Buffer.from(read(c.sig)),
        "deterministic signature reproduces byte for byte",
      );
    }
  });
}

it("key files give the recorded key ids; PEM ones match SHA-256 of the DER computed independently", async () => {
  for (const k of vectors.keys) {
    const facts = await describeKeyFile(read(k.file), k.passphrase);
    assert.equal(facts.keyId, k.keyId, k.file);
    const text = Buffer.from(read(k.file)).toString("utf8");
    if (text.startsWith("-----BEGIN PUBLIC KEY-----")) {
      const der = Buffer.from(text.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, ""), "base64");
      assert.equal(`sha256:${createHash("sha256").update(der).digest("hex")}`, k.keyId);
    }
  }
});
