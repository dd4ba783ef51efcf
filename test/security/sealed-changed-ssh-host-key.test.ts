// Attack: the SSH server at the pinned address answers with another host key (a man in the middle, a
// re-installed or substituted machine). Expected: HOST_KEY_MISMATCH (ssh with StrictHostKeyChecking=yes
// and sigrun's own known_hosts) before any job data leaves; refused again on every try until
// `sigrun host add NAME --replace` re-pins; `host add` with a wrong --host-key-fingerprint refuses too.
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileSigner, generateKey, publicKeyPem } from "../../src/keys/index.js";
import { execute } from "../../src/remote/execute.js";
import { hostAdd } from "../../src/remote/host-add.js";
import { COPY_SCRIPT, signedApp, writeTree } from "../kit/sealed-world.js";
import { sshdAvailable, startSshd, type TestSshd } from "../kit/sshd.js";

const skip = !sshdAvailable() && !process.env.CI ? "sshd not installed" : false;
let sshd: TestSshd;
let dir: string;
let configDir: string;

before(async () => {
  if (skip) return;
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), "sigrun-hostkey-"));
  configDir = join(dir, "config", "sigrun");
  const owner = fileSigner(generateKey("ed25519").privateKey);
  mkdirSync(join(dir, "trusted"));
  writeFileSync(join(dir, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  writeFileSync(join(dir, "copy.sgb"), await signedApp(owner, COPY_SCRIPT));
  writeTree(join(dir, "INPUTS"), { "f1.txt": "Hello World" });
});
after(async () => {
  if (skip) return;
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

const add = (extra: { replace?: boolean; fp?: string } = {}) =>
  hostAdd({
    configDir,
    name: "caroline",
    ssh: `${sshd.user}@127.0.0.1:${sshd.port}`,
    hostKeyFingerprint: extra.fp ?? sshd.hostKeyFingerprint(),
    replace: extra.replace,
    remote: { sigrun: sshd.sigrunWrapper, state: join(dir, "host-state"), trust: join(dir, "trusted") },
    log: () => {},
  });

const run = (out: string) =>
  execute({
    configDir,
    host: "caroline",
    app: join(dir, "copy.sgb"),
    inputs: join(dir, "INPUTS"),
    outputs: join(dir, out),
    timeoutMs: 60_000,
  });

test("sealed-changed-ssh-host-key: a changed host key is refused until host add --replace", {
  skip,
}, async () => {
  const pending = await add();
  assert.equal(pending.status, "pending");
  appendFileSync(sshd.authorizedKeys, `${pending.authorizedKeysLine}\n`);
  assert.equal((await add()).status, "ready");
  assert.equal((await run("OUT-1")).status, "succeeded");

  const newFp = await sshd.replaceHostKey();
  for (const out of ["OUT-2", "OUT-3"]) {
    await assert.rejects(
      run(out),
      (e: { code?: string; message?: string }) =>
        e.code === "HOST_KEY_MISMATCH" && String(e.message).includes("`sigrun host add caroline --replace`"),
    );
    assert.equal(existsSync(join(dir, out)), false);
  }
  // re-adding without --replace does not re-pin
  await assert.rejects(add({ fp: newFp }), (e: { code?: string }) => e.code === "USAGE");
  // a wrong expected fingerprint is refused
  await assert.rejects(
    add({ replace: true, fp: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
    (e: { code?: string }) => e.code === "HOST_KEY_MISMATCH",
  );
  const re = await add({ replace: true, fp: newFp });
  assert.equal(re.status, "ready");
  assert.equal(re.record.ssh?.hostKey.fingerprint, newFp);
  assert.equal((await run("OUT-4")).status, "succeeded");
});
