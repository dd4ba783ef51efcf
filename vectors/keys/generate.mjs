#!/usr/bin/env node
// Regenerates vectors/keys/ (run from the repo root after `npx tsc -p .`): fixed test keys, one
// message, signatures in each format made by sigrun and by the real tools (openssl, ssh-keygen, gpg),
// and invalid cases. The keys here are test keys: never use them for anything else.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k from "../../dist/src/keys/index.js";

const dir = new URL(".", import.meta.url).pathname;
const w = (name, data) => writeFileSync(join(dir, name), data);
const r = (name) => new Uint8Array(readFileSync(join(dir, name)));
const MESSAGE = "sigrun signature-format test vector\n";
const NOW = new Date("2026-01-01T00:00:00Z");
w("message.txt", MESSAGE);
const msg = r("message.txt");
const cases = [];

for (const [type, gen] of [
  ["ed25519", "ed25519"],
  ["p256", "p256"],
  ["rsa", "rsa3072"],
]) {
  if (!existsSync(join(dir, `${type}.key`))) {
    const pair = k.generateKey(gen);
    w(`${type}.key`, k.privateKeyPem(pair.privateKey));
    w(`${type}.pub`, k.publicKeyPem(pair.publicKey));
  }
  const signer = k.fileSigner(k.parsePrivateKey(r(`${type}.key`)));
  const deterministic = type !== "p256";
  w(`${type}.ssh.pub`, `${k.openSshPublicKeyLine(signer.publicKey.keyObject)}\n`);
  w(`${type}.cert.asc`, await k.openPgpPublicKey(signer, `Sigrun Vector ${type} <${type}@vectors.example>`));
  w(`${type}.raw.sig`, await k.signFile(signer, msg, "raw"));
  w(`${type}.ssh.sig`, await k.signFile(signer, msg, "ssh", { namespace: "file" }));
  w(`${type}.pgp.asc`, await k.signFile(signer, msg, "openpgp", { now: NOW }));
  const keyId = signer.publicKey.keyId;
  const fp = k.openPgpKeyFacts(signer.publicKey).fingerprint;
  for (const pub of [`${type}.pub`, `${type}.ssh.pub`]) {
    cases.push({ name: `${type}-raw-${pub}`, format: "raw", sig: `${type}.raw.sig`, pub, keyId, expect: "ok", resign: deterministic ? `${type}.key` : undefined });
    cases.push({ name: `${type}-ssh-${pub}`, format: "ssh", namespace: "file", sig: `${type}.ssh.sig`, pub, keyId, expect: "ok", resign: deterministic ? `${type}.key` : undefined });
    cases.push({ name: `${type}-openpgp-${pub}`, format: "openpgp", sig: `${type}.pgp.asc`, pub, keyId, expect: "ok", now: NOW.toISOString(), resign: deterministic ? `${type}.key` : undefined });
  }
  cases.push({ name: `${type}-openpgp-cert`, format: "openpgp", sig: `${type}.pgp.asc`, pub: `${type}.cert.asc`, keyId, openpgpFingerprint: fp, expect: "ok" });
  cases.push({ name: `${type}-ssh-wrong-namespace`, format: "ssh", namespace: "git", sig: `${type}.ssh.sig`, pub: `${type}.pub`, expect: "fail" });
  cases.push({ name: `${type}-raw-as-detected`, sig: `${type}.raw.sig`, pub: `${type}.pub`, keyId, expect: "ok" });
}
cases.push({ name: "raw-wrong-key", format: "raw", sig: "ed25519.raw.sig", pub: "p256.pub", expect: "fail" });
cases.push({ name: "openpgp-wrong-key", format: "openpgp", sig: "ed25519.pgp.asc", pub: "rsa.cert.asc", expect: "fail" });

// malformed signatures → SIGNATURE_FORMAT_INVALID
const ssh = Buffer.from(r("ed25519.ssh.sig")).toString("utf8");
w("bad-ssh-truncated.sig", ssh.replace(/\n[^\n]+\n-----END/, "\n-----END"));
w("bad-ssh-trailing.sig", `${ssh}junk\n`);
const pgp = Buffer.from(r("ed25519.pgp.asc")).toString("utf8");
w("bad-pgp-crc.asc", pgp.replace(/\n=(....)\n/, (_m, c) => `\n=${c === "AAAA" ? "BBBB" : "AAAA"}\n`));
for (const f of ["bad-ssh-truncated.sig", "bad-ssh-trailing.sig"])
  cases.push({ name: f, format: "ssh", sig: f, pub: "ed25519.pub", expect: "error", code: "SIGNATURE_FORMAT_INVALID" });
cases.push({ name: "bad-pgp-crc.asc", format: "openpgp", sig: "bad-pgp-crc.asc", pub: "ed25519.pub", expect: "error", code: "SIGNATURE_FORMAT_INVALID" });

// signatures made by the real tools (regenerated only when missing: they are random)
const tmp = mkdtempSync(join(tmpdir(), "sigrun-vec-"));
const run = (cmd, args, env) => execFileSync(cmd, args, { cwd: tmp, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
writeFileSync(join(tmp, "message.txt"), MESSAGE);
try {
  if (!existsSync(join(dir, "openssl-p256.sig"))) {
    run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "o.key"]);
    run("openssl", ["pkey", "-in", "o.key", "-pubout", "-out", "o.pub"]);
    run("openssl", ["dgst", "-sha256", "-sign", "o.key", "-out", "o.sig", "message.txt"]);
    w("openssl-p256.pub", readFileSync(join(tmp, "o.pub")));
    w("openssl-p256.sig", readFileSync(join(tmp, "o.sig")));
    run("openssl", ["genpkey", "-algorithm", "ed25519", "-out", "e.key"]);
    run("openssl", ["pkey", "-in", "e.key", "-pubout", "-out", "e.pub"]);
    run("openssl", ["pkeyutl", "-sign", "-inkey", "e.key", "-rawin", "-in", "message.txt", "-out", "e.sig"]);
    w("openssl-ed25519.pub", readFileSync(join(tmp, "e.pub")));
    w("openssl-ed25519.sig", readFileSync(join(tmp, "e.sig")));
  }
  if (!existsSync(join(dir, "ssh-keygen-ed25519.sig"))) {
    run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "vector passphrase", "-C", "vector", "-f", "id"]);
    run("ssh-keygen", ["-Y", "sign", "-f", "id", "-P", "vector passphrase", "-n", "file", "message.txt"]);
    w("ssh-keygen-ed25519.key", readFileSync(join(tmp, "id")));
    w("ssh-keygen-ed25519.pub", readFileSync(join(tmp, "id.pub")));
    w("ssh-keygen-ed25519.sig", readFileSync(join(tmp, "message.txt.sig")));
  }
  if (!existsSync(join(dir, "gpg-ed25519.sig.asc"))) {
    const env = { GNUPGHOME: join(tmp, "g") };
    execFileSync("mkdir", ["-m", "700", env.GNUPGHOME]);
    const uid = "GPG Vector <gpg@vectors.example>";
    run("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-generate-key", uid, "ed25519", "sign", "0"], env);
    run("gpg", ["--batch", "-u", uid, "--armor", "--detach-sign", "-o", "m.asc", "message.txt"], env);
    run("gpg", ["--batch", "--armor", "--export", "-o", "pub.asc", uid], env);
    w("gpg-ed25519.sig.asc", readFileSync(join(tmp, "m.asc")));
    w("gpg-ed25519.pub.asc", readFileSync(join(tmp, "pub.asc")));
    try {
      execFileSync("gpgconf", ["--kill", "gpg-agent"], { env: { ...process.env, ...env } });
    } catch {}
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
cases.push({ name: "openssl-p256", format: "raw", sig: "openssl-p256.sig", pub: "openssl-p256.pub", expect: "ok" });
cases.push({ name: "openssl-ed25519", format: "raw", sig: "openssl-ed25519.sig", pub: "openssl-ed25519.pub", expect: "ok" });
cases.push({ name: "ssh-keygen-ed25519", format: "ssh", namespace: "file", sig: "ssh-keygen-ed25519.sig", pub: "ssh-keygen-ed25519.pub", expect: "ok" });
cases.push({ name: "gpg-ed25519", format: "openpgp", sig: "gpg-ed25519.sig.asc", pub: "gpg-ed25519.pub.asc", expect: "ok" });
cases.push({ name: "gpg-ed25519-tool-sig-with-sigrun-key", format: "openpgp", sig: "gpg-ed25519.sig.asc", pub: "ed25519.cert.asc", expect: "fail" });

// key files and the key id each must give (`sigrun key id`)
const keys = [];
const idOf = async (file, passphrase) => (await k.describeKeyFile(r(file), passphrase)).keyId;
for (const type of ["ed25519", "p256", "rsa"])
  for (const f of [`${type}.key`, `${type}.pub`, `${type}.ssh.pub`, `${type}.cert.asc`]) keys.push({ file: f, keyId: await idOf(f) });
for (const f of ["openssl-p256.pub", "openssl-ed25519.pub", "ssh-keygen-ed25519.pub", "gpg-ed25519.pub.asc"])
  keys.push({ file: f, keyId: await idOf(f) });
keys.push({ file: "ssh-keygen-ed25519.key", passphrase: "vector passphrase", keyId: await idOf("ssh-keygen-ed25519.key", "vector passphrase") });

w("cases.json", `${JSON.stringify({ message: "message.txt", keys, cases: cases.map((c) => JSON.parse(JSON.stringify(c))) }, null, 2)}\n`);
console.log(`wrote ${cases.length} cases`);
