import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { publicKeyPem } from "../../src/keys/index.js";
import { cli, ed25519, enc, signedBundle, tempDir } from "../kit/bundle-fixtures.js";

// `sigrun verify FILE` reads a .sgb in chunks, hashing as it reads; `sigrun verify - < FILE` reads it
// whole. A truncated, extended or tampered file must get the same exit code and the same
// one-line reason either way, and only the intact bundle exits 0. (The size cap, which the CLI
// cannot lower, is checked on both paths in src/bundle/tar-scan.test.ts.)

test("sigrun verify of a damaged .sgb file: same exit code and reason as the in-memory path", async () => {
  const t = tempDir();
  try {
    const k = ed25519();
    const pub = join(t.dir, "pub.pem");
    writeFileSync(pub, publicKeyPem(k.publicKey));
    const bundle = await signedBundle([k], { extra: { "inputs/blob.bin": enc("z".repeat(3000)) } });
    const tampered = new Uint8Array(bundle);
    tampered[bundle.byteLength - 2048]! ^= 0x40; // inside inputs/blob.bin (last file before the signatures)
    const cases: Record<string, Uint8Array> = {
      intact: bundle,
      truncated: bundle.subarray(0, bundle.byteLength - 512),
      "truncated mid-block": bundle.subarray(0, 1500),
      empty: new Uint8Array(0),
      extended: new Uint8Array(Buffer.concat([bundle, Buffer.from("evil".padEnd(512, "\0"))])),
      tampered,
    };
    const codes: Record<string, number> = {};
    for (const [name, bytes] of Object.entries(cases)) {
      const f = join(t.dir, `${name}.sgb`);
      writeFileSync(f, bytes);
      const file = cli(["verify", f, "--trust", pub, "--any-host"]);
      const stdin = cli(["verify", "-", "--trust", pub, "--any-host"], { input: bytes });
      assert.equal(file.code, stdin.code, `${name}: exit code`);
      assert.equal(file.stderr, stdin.stderr, `${name}: reason`);
      codes[name] = file.code;
    }
    assert.equal(codes.intact, 0);
    for (const name of Object.keys(cases).filter((n) => n !== "intact"))
      assert.notEqual(codes[name], 0, `${name} must not verify`);
    const missing = cli(["verify", join(t.dir, "nope.sgb"), "--trust", pub]);
    assert.match(missing.stderr, /IO_ERROR|ENOENT/);
    assert.notEqual(missing.code, 0);
  } finally {
    t.cleanup();
  }
});

test("sigrun verify of a FIFO: read whole from its one open, as before the chunked file path", async () => {
  const t = tempDir();
  try {
    const k = ed25519();
    const pub = join(t.dir, "pub.pem");
    writeFileSync(pub, publicKeyPem(k.publicKey));
    const f = join(t.dir, "job.sgb");
    writeFileSync(f, await signedBundle([k]));
    const fifo = join(t.dir, "fifo");
    const mk = spawnSync("mkfifo", [fifo]);
    if (mk.error || mk.status !== 0) {
      assert.ok(!process.env.CI, "mkfifo is required under CI");
      return;
    }
    const writer = spawn("sh", ["-c", 'cat "$1" > "$2"', "sh", f, fifo], { stdio: "ignore" });
    const r = cli(["verify", fifo, "--trust", pub, "--any-host"]);
    writer.kill();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^OK: bundle /);
  } finally {
    t.cleanup();
  }
});
