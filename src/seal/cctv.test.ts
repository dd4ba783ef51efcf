import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { inflateSync } from "node:zlib";
import { isSigrunError } from "../core/index.js";
import {
  createUnsealStream,
  decodeAgeIdentity,
  type SealIdentity,
  scryptIdentity,
  x25519Identity,
} from "./index.js";

// The C2SP CCTV age vectors (vectors/age/testdata, copied verbatim): every vector that should decrypt
// does, with the expected plaintext hash; every failure fails with the code of its class.
const DIR = "vectors/age/testdata";

const EXPECTED_CODE: Record<string, string> = {
  "header failure": "SEAL_MALFORMED",
  "armor failure": "SEAL_MALFORMED",
  "no match": "SEAL_NO_IDENTITY",
  "HMAC failure": "SEAL_HEADER_MAC",
  "payload failure": "SEAL_PAYLOAD_INVALID",
};

/** Skipped vectors, each with its reason. */
const SKIP: Array<[RegExp, string]> = [
  [
    /^(armor_)?hybrid/,
    "post-quantum mlkem768x25519 recipients are not supported (Debian age 1.1.1 cannot read them; anchors-sealed.md §7 B4)",
  ],
];

interface Vector {
  name: string;
  meta: Map<string, string[]>;
  file: Uint8Array;
}

function load(name: string): Vector {
  const raw = readFileSync(join(DIR, name));
  const sep = raw.indexOf("\n\n");
  const meta = new Map<string, string[]>();
  for (const line of raw.subarray(0, sep).toString("utf8").split("\n")) {
    const i = line.indexOf(": ");
    const k = line.slice(0, i);
    meta.set(k, [...(meta.get(k) ?? []), line.slice(i + 2)]);
  }
  let file = new Uint8Array(raw.subarray(sep + 2));
  if (meta.get("compressed")?.[0] === "zlib") file = new Uint8Array(inflateSync(file));
  return { name, meta, file };
}

/** Feeds `file` in pieces of `piece` bytes; returns the released plaintext and the error, if any. */
async function open(
  file: Uint8Array,
  ids: SealIdentity[],
  piece: number,
): Promise<{ plaintext: Buffer; error: unknown }> {
  const t = createUnsealStream(ids);
  const parts: Buffer[] = [];
  t.on("data", (d: Buffer) => parts.push(d));
  const done = new Promise<unknown>((resolve) => {
    t.on("end", () => resolve(null));
    t.on("error", (e) => resolve(e));
  });
  for (let off = 0; off < file.byteLength; off += piece) {
    const ok = t.write(file.subarray(off, off + piece));
    if (!ok) await new Promise((r) => t.once("drain", r));
    if (t.destroyed) break;
  }
  if (!t.destroyed) t.end();
  const error = await done;
  return { plaintext: Buffer.concat(parts), error };
}

const names = readdirSync(DIR).sort();

describe("C2SP CCTV age vectors", () => {
  it("has the whole suite", () => assert.ok(names.length >= 140, `only ${names.length} vectors`));
  for (const name of names) {
    const skip = SKIP.find(([re]) => re.test(name));
    it(name, { skip: skip?.[1] }, async () => {
      const v = load(name);
      const expect = v.meta.get("expect")![0]!;
      const ids: SealIdentity[] = [
        ...(v.meta.get("identity") ?? []).map((s) => x25519Identity(decodeAgeIdentity(s))),
        ...(v.meta.get("passphrase") ?? []).map((p) => scryptIdentity(p)),
      ];
      for (const piece of [v.file.byteLength || 1, 4093]) {
        const { plaintext, error } = await open(v.file, ids, piece);
        const hash = createHash("sha256").update(plaintext).digest("hex");
        if (expect === "success") {
          assert.equal(error, null, `${name}: ${String(error)}`);
          assert.equal(hash, v.meta.get("payload")![0], `${name}: payload hash`);
          continue;
        }
        const code = EXPECTED_CODE[expect];
        assert.ok(code, `unknown expect ${expect}`);
        assert.ok(isSigrunError(error), `${name} (${expect}): expected a SigrunError, got ${String(error)}`);
        assert.equal((error as { code: string }).code, code, `${name}: ${(error as Error).message}`);
        if (expect === "payload failure")
          assert.equal(hash, v.meta.get("payload")![0], `${name}: released plaintext`);
        else assert.equal(plaintext.byteLength, 0, `${name}: no plaintext before a header error`);
      }
    });
  }
});
