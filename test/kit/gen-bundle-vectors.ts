// Regenerates vectors/bundle/ (run: npx tsc -p . && node dist/test/kit/gen-bundle-vectors.js).
// Keys are derived from fixed seeds so the vectors are reproducible; never edit a vector by hand.
import { createPrivateKey, createPublicKey } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  bundleCaps,
  createBundle,
  MANIFEST_PAYLOAD_TYPE,
  parseBundle,
  signBundle,
} from "../../src/bundle/index.js";
import { assembleBundle } from "../../src/bundle/pack.js";
import { canonicalJson, toBase64 } from "../../src/core/index.js";
import { fileSigner, publicKeyInfo, publicKeyPem } from "../../src/keys/index.js";
import { rawTar, rawTarEntry } from "./bundle-fixtures.js";

const OUT = "vectors/bundle";
const CREATED = Date.UTC(2026, 0, 1);
const NOW = "2026-01-01T00:30:00Z";

function seededKey(seedByte: number) {
  const seed = Buffer.alloc(32, seedByte);
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const priv = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  return { privateKey: priv, publicKey: createPublicKey(priv) };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const owner = seededKey(1);
  const second = seededKey(2);
  const stranger = seededKey(3);
  writeFileSync(join(OUT, "owner.pub"), publicKeyPem(owner.publicKey));
  writeFileSync(join(OUT, "second.pub"), publicKeyPem(second.publicKey));
  const enc = (s: string) => new TextEncoder().encode(s);
  const base = (opts: { targets?: string[]; id?: number } = {}) =>
    createBundle({
      files: new Map([
        ["script.rhai", enc("let x = 40 + 2;\nx\n")],
        ["policy.cedar", enc("permit (principal, action, resource);\n")],
        ["inputs/data.csv", enc("a,b\n1,2\n")],
      ]),
      entry: "script.rhai",
      policy: "policy.cedar",
      targets: opts.targets ?? ["web-1", "group:web"],
      created: CREATED,
      validForMs: 3_600_000,
      id: Buffer.alloc(16, opts.id ?? 0xab),
    });
  const sign = async (b: Uint8Array, ...keys: ReturnType<typeof seededKey>[]) => {
    for (const k of keys) b = await signBundle(b, fileSigner(k.privateKey));
    return b;
  };
  const signed = await sign(base(), owner);
  const p = parseBundle(signed, bundleCaps());
  const files = p.manifest.files.map((f) => ({ name: f.path, data: p.files.get(f.path)! }));
  const cases: Array<{
    file: string;
    expect: string;
    description: string;
    host?: string;
    groups?: string[];
    now?: string;
    threshold?: number;
    revoked?: string[];
    trust?: string[];
  }> = [];
  const add = (
    file: string,
    bytes: Uint8Array,
    expect: string,
    description: string,
    extra: Partial<(typeof cases)[number]> = {},
  ) => {
    writeFileSync(join(OUT, file), bytes);
    cases.push({ file, expect, description, now: NOW, trust: ["owner.pub"], ...extra });
  };
  add("valid-ed25519.sgb", signed, "OK", "one Ed25519 signature by a trusted key", { host: "web-1" });
  add("valid-group-target.sgb", signed, "OK", "target matched through a group", {
    host: "web-9",
    groups: ["web"],
  });
  add("valid-2-of-2.sgb", await sign(base(), owner, second), "OK", "two signatures, threshold 2", {
    threshold: 2,
    trust: ["owner.pub", "second.pub"],
  });
  add("unsigned.sgb", base(), "THRESHOLD_NOT_MET", "no signature at all");
  add("threshold-not-met.sgb", signed, "THRESHOLD_NOT_MET", "one signature where two are required", {
    threshold: 2,
    trust: ["owner.pub", "second.pub"],
  });
  add(
    "signer-untrusted.sgb",
    await sign(base(), stranger),
    "SIGNER_UNTRUSTED",
    "signed by a key not in the trust store",
  );
  add("signer-revoked.sgb", signed, "SIGNER_REVOKED", "signed by a revoked key", {
    revoked: [publicKeyInfo(owner.publicKey).keyId],
  });
  add("expired.sgb", signed, "EXPIRED", "verified after notAfter", { now: "2026-01-01T01:00:01Z" });
  add("not-yet-valid.sgb", signed, "NOT_YET_VALID", "verified before created (beyond 5 min skew)", {
    now: "2025-12-31T23:50:00Z",
  });
  add("wrong-target.sgb", signed, "WRONG_TARGET", "host not among the targets", {
    host: "db-1",
    groups: ["db"],
  });
  const tamperedFiles = files.map((f) =>
    f.name === "script.rhai" ? { name: f.name, data: enc("let x = 40 + 3;\nx\n") } : f,
  );
  add(
    "digest-mismatch.sgb",
    assembleBundle(p.manifestBytes, p.envelope, tamperedFiles),
    "DIGEST_MISMATCH",
    "script changed after signing",
  );
  const other = parseBundle(base({ id: 0xcd }), bundleCaps());
  add(
    "signature-invalid-manifest-swap.sgb",
    assembleBundle(other.manifestBytes, p.envelope, files),
    "SIGNATURE_INVALID",
    "manifest.json differs from the signed payload",
  );
  const badSig = {
    ...p.envelope,
    signatures: [{ ...p.envelope.signatures[0]!, sig: toBase64(new Uint8Array(64)) }],
  };
  add(
    "signature-invalid-zero.sgb",
    assembleBundle(p.manifestBytes, badSig, files),
    "SIGNATURE_INVALID",
    "signature bytes replaced by zeros",
  );
  const v2 = enc(canonicalJson({ ...JSON.parse(new TextDecoder().decode(p.manifestBytes)), version: 2 }));
  const v2env = { payloadType: MANIFEST_PAYLOAD_TYPE, payload: toBase64(v2), signatures: [] };
  add(
    "unsupported-version.sgb",
    assembleBundle(v2, v2env, files),
    "UNSUPPORTED_VERSION",
    "manifest version 2",
  );
  const raw = (body: Uint8Array[]) =>
    rawTar([
      rawTarEntry({ name: "manifest.json", data: p.manifestBytes }),
      ...files.map((f) => rawTarEntry({ name: f.name, data: f.data })),
      ...body,
      rawTarEntry({ name: "signatures.dsse.json", data: enc(canonicalJson(p.envelope)) }),
    ]);
  add(
    "malformed-path-traversal.sgb",
    raw([rawTarEntry({ name: "../evil", data: enc("x") })]),
    "BUNDLE_MALFORMED",
    "entry name with ..",
  );
  add(
    "malformed-absolute.sgb",
    raw([rawTarEntry({ name: "/etc/evil", data: enc("x") })]),
    "BUNDLE_MALFORMED",
    "absolute entry name",
  );
  add(
    "malformed-symlink.sgb",
    raw([rawTarEntry({ name: "inputs/l", type: "2", linkname: "/etc/passwd" })]),
    "BUNDLE_MALFORMED",
    "symbolic link entry",
  );
  add(
    "malformed-hardlink.sgb",
    raw([rawTarEntry({ name: "inputs/h", type: "1", linkname: "script.rhai" })]),
    "BUNDLE_MALFORMED",
    "hard link entry",
  );
  add(
    "malformed-device.sgb",
    raw([rawTarEntry({ name: "inputs/d", type: "3" })]),
    "BUNDLE_MALFORMED",
    "character device entry",
  );
  add(
    "malformed-duplicate.sgb",
    raw([rawTarEntry({ name: "script.rhai", data: enc("evil()") })]),
    "BUNDLE_MALFORMED",
    "duplicate entry name",
  );
  add(
    "malformed-unlisted.sgb",
    raw([rawTarEntry({ name: "inputs/extra", data: enc("x") })]),
    "BUNDLE_MALFORMED",
    "file not in the manifest",
  );
  add(
    "malformed-trailing-garbage.sgb",
    new Uint8Array(Buffer.concat([signed, Buffer.from("garbage".padEnd(512, "\0"))])),
    "BUNDLE_MALFORMED",
    "data after the end-of-archive marker",
  );
  add(
    "malformed-truncated.sgb",
    signed.subarray(0, signed.byteLength - 1024),
    "BUNDLE_MALFORMED",
    "archive cut short",
  );
  add(
    "malformed-gzip.sgb",
    new Uint8Array(gzipSync(signed)),
    "BUNDLE_MALFORMED",
    "a .sgb is a plain ustar archive, not gzip",
  );
  writeFileSync(
    join(OUT, "cases.json"),
    `${JSON.stringify({ format: "sigrun bundle vectors v1", cases }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${cases.length} cases to ${OUT}\n`);
}

await main();
