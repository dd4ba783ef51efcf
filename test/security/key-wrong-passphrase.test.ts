import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { isSigrunError } from "../../src/core/index.js";
import { generateKey, parsePrivateKey, privateKeyPem } from "../../src/keys/index.js";

/** Encrypted keys: no passphrase → KEY_PASSPHRASE_REQUIRED; a wrong one → KEY_PASSPHRASE_WRONG; never a key. */
const dir = mkdtempSync(join(tmpdir(), "sigrun-pass-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const enc = (s: string) => new TextEncoder().encode(s);
const code = (c: string) => (e: unknown) => isSigrunError(e) && e.code === c;

it("encrypted PKCS#8", () => {
  const pem = privateKeyPem(generateKey("ed25519").privateKey, "right one");
  assert.throws(() => parsePrivateKey(enc(pem)), code("KEY_PASSPHRASE_REQUIRED"));
  assert.throws(() => parsePrivateKey(enc(pem), "wrong one"), code("KEY_PASSPHRASE_WRONG"));
  assert.throws(() => parsePrivateKey(enc(pem), ""), code("KEY_PASSPHRASE_WRONG"));
  assert.equal(parsePrivateKey(enc(pem), "right one").type, "private");
});

it("an empty passphrase cannot encrypt a key", () => {
  assert.throws(() => privateKeyPem(generateKey("ed25519").privateKey, ""), code("INPUT_INVALID"));
});

it("traditional encrypted PEM (openssl -aes256)", (t) => {
  const out = join(dir, "trad.pem");
  const r = spawnSync("openssl", [
    "genrsa",
    "-traditional",
    "-aes256",
    "-passout",
    "pass:right one",
    "-out",
    out,
    "2048",
  ]);
  if (r.error) return t.skip("openssl not installed");
  const pem = new Uint8Array(readFileSync(out));
  assert.throws(() => parsePrivateKey(pem), code("KEY_PASSPHRASE_REQUIRED"));
  assert.throws(() => parsePrivateKey(pem, "wrong one"), code("KEY_PASSPHRASE_WRONG"));
  assert.equal(parsePrivateKey(pem, "right one").asymmetricKeyType, "rsa");
});

it("passphrase-protected OpenSSH private key (ssh-keygen)", (t) => {
  const out = join(dir, "id");
  const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "right one", "-f", out]);
  if (r.error) return t.skip("ssh-keygen not installed");
  const key = new Uint8Array(readFileSync(out));
  assert.throws(() => parsePrivateKey(key), code("KEY_PASSPHRASE_REQUIRED"));
  assert.throws(() => parsePrivateKey(key, "wrong one"), code("KEY_PASSPHRASE_WRONG"));
  assert.equal(parsePrivateKey(key, "right one").asymmetricKeyType, "ed25519");
});
