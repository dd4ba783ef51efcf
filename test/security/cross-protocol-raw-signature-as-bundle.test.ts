// Attack: a release signer makes a raw file signature (`sigrun sign-file --format raw`, or
// `sign --remote --format raw`) over "app.tar.gz". The file is in fact a tar.gz of `script.rhai` +
// `policy.cedar`, so the same bytes are a classic bundle signature: the agent ran it (no expiry, any
// host) although the signer only meant to sign a file. Defence on the trust side: keys are scoped by
// purpose in the trust directory (`purposes`), and an agent trusts only keys marked `bundle`. (The
// other defence, separate keys per purpose, is documented; the signer's review is another helper's.)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Agent } from "../../src/agent/agent.js";
import { loadTrustStore } from "../../src/bundle/index.js";
import { isSigrunError } from "../../src/core/index.js";
import { STUB_RUNNER, tempDir } from "../kit/agent-fixtures.js";
import { rawTar, rawTarEntry } from "../kit/bundle-fixtures.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });

function setup() {
  const d = tempDir();
  const keys = join(d.path, "keys");
  mkdirSync(keys);
  for (const name of ["release", "owner"]) {
    const r = cli("keygen", "--type", "ed25519", "-o", join(keys, name));
    assert.equal(r.status, 0, r.stderr);
  }
  // "a release archive" that is really a classic bundle
  const tgz = gzipSync(
    rawTar([
      rawTarEntry({ name: "script.rhai", data: Buffer.from(JSON.stringify({ op: "echo", value: "pwned" })) }),
      rawTarEntry({ name: "policy.cedar", data: Buffer.from("permit(principal, action, resource);\n") }),
    ]),
  );
  writeFileSync(join(d.path, "app.tar.gz"), tgz);
  const s = cli(
    "sign-file",
    join(d.path, "app.tar.gz"),
    "--key",
    join(keys, "release.key"),
    "--format",
    "raw",
  );
  assert.equal(s.status, 0, s.stderr);
  const trust = join(d.path, "trusted");
  mkdirSync(trust);
  writeFileSync(join(trust, "release.pub"), readFileSync(join(keys, "release.pub")));
  writeFileSync(join(trust, "owner.pub"), readFileSync(join(keys, "owner.pub")));
  return {
    d,
    trust,
    tgz: new Uint8Array(tgz),
    sig: new Uint8Array(readFileSync(join(d.path, "app.tar.gz.sig"))),
  };
}

async function submit(trustDir: string, tgz: Uint8Array, sig: Uint8Array, stateDir: string) {
  const agent = await Agent.start({
    stateDir,
    hostId: "h1",
    trust: loadTrustStore([trustDir]),
    runnerModule: STUB_RUNNER,
  });
  try {
    return await agent.submit({ bytes: tgz, sig, transport: "inbox" });
  } finally {
    await agent.close();
  }
}

test("a raw file signature by a key trusted for `file` only is not a bundle signature", async () => {
  const { d, trust, tgz, sig } = setup();
  try {
    writeFileSync(join(trust, "purposes"), "release.pub file\nowner.pub bundle\n");
    const r = await submit(trust, tgz, sig, join(d.path, "state"));
    assert.equal(r.status, "rejected");
    assert.equal(r.errorCode, "SIGNER_UNTRUSTED");
    // `sigrun verify` and `sigrun run` apply the same scoping
    const v = cli(
      "verify",
      join(d.path, "app.tar.gz"),
      "--openssl-sig",
      join(d.path, "app.tar.gz.sig"),
      "--trust",
      trust,
    );
    assert.notEqual(v.status, 0);
    assert.match(v.stderr, /SIGNER_UNTRUSTED/);
  } finally {
    d.cleanup();
  }
});

test("purposes file: unlisted keys are trusted for nothing; bad lines make the store invalid", () => {
  const { d, trust } = setup();
  try {
    writeFileSync(join(trust, "purposes"), "owner.pub bundle\n");
    const store = loadTrustStore([trust]);
    assert.equal(store.keys.size, 2);
    assert.deepEqual(
      [...store.purposes!.values()].map((s) => [...s]),
      [["bundle"]],
    );
    for (const bad of [
      "nokey.pub bundle",
      "owner.pub launch",
      "owner.pub bundle\nowner.pub file",
      "owner.pub",
    ]) {
      writeFileSync(join(trust, "purposes"), bad);
      assert.throws(
        () => loadTrustStore([trust]),
        (e: unknown) => isSigrunError(e) && e.code === "TRUST_STORE_INVALID",
        bad,
      );
    }
  } finally {
    d.cleanup();
  }
});
