import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createBundle, type ManifestLimits, signBundle } from "../bundle/index.js";
import { fileSigner, generateKey, rawSign } from "../keys/index.js";

const MAIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sigrun-run-bundle-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [MAIN, "run", ...args], {
    encoding: "utf8",
    env: { ...process.env, REX_RUNNER_DISABLE_MONITORING: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const enc = (s: string) => new TextEncoder().encode(s);

const key = generateKey("ed25519");
const other = generateKey("ed25519");
mkdirSync(join(dir, "trust"));
writeFileSync(join(dir, "trust", "signer.pem"), key.publicKey.export({ type: "spki", format: "pem" }));
mkdirSync(join(dir, "data"));
writeFileSync(join(dir, "data", "in.txt"), "from the host");

const SCRIPT = `let s = cat("${dir}/data/in.txt"); let d = ""; try { cat("/etc/hostname") } catch (e) { d = e.kind } \`\${s}|\${d}\``;
const POLICY = `permit(principal, action, resource in file_system::Dir::"${dir}/data");`;

function sgb(script = SCRIPT, limits?: ManifestLimits): Uint8Array {
  return createBundle({
    ...(limits ? { limits } : {}),
    files: new Map([
      ["script.rhai", enc(script)],
      ["policy.cedar", enc(POLICY)],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    targets: [],
    created: Date.now(),
    validForMs: 3_600_000,
  });
}

test("a signed .sgb verifies, then runs its script under its own policy (allowed and denied calls)", async () => {
  const p = join(dir, "job.sgb");
  writeFileSync(p, await signBundle(sgb(), fileSigner(key.privateKey)));
  const r = run(p, "--trust", join(dir, "trust"), "--explain");
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.status, "SUCCESS");
  assert.equal(o.output, "from the host|PermissionDenied");
  assert.match(o.sigrun_explain.bundle_id, /^[0-9a-f]{32}$/);
});

test("nothing runs when verification fails (unknown signer, unsigned, tampered)", async () => {
  const marker = join(dir, "data", "ran");
  const script = `write("${marker}", "x"); 1`;
  const bad = join(dir, "bad.sgb");
  writeFileSync(bad, await signBundle(sgb(script), fileSigner(other.privateKey)));
  let r = run(bad, "--trust", join(dir, "trust"));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /SIGNER_UNTRUSTED|THRESHOLD_NOT_MET/);
  writeFileSync(bad, sgb(script));
  r = run(bad, "--trust", join(dir, "trust"));
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, "");
  const { existsSync } = await import("node:fs");
  assert.ok(!existsSync(marker));
});

test("classic tar.gz + openssl signature", () => {
  const p256 = generateKey("p256");
  mkdirSync(join(dir, "trust2"));
  writeFileSync(join(dir, "trust2", "trusted.pem"), p256.publicKey.export({ type: "spki", format: "pem" }));
  const tar = tarOf([
    ["script.rhai", SCRIPT],
    ["policy.cedar", POLICY],
  ]);
  const tgz = gzipSync(tar);
  writeFileSync(join(dir, "bundle.tar.gz"), tgz);
  writeFileSync(join(dir, "bundle.sig"), rawSign("p256", p256.privateKey, tgz));
  const r = run(
    join(dir, "bundle.tar.gz"),
    "--openssl-sig",
    join(dir, "bundle.sig"),
    "--trust",
    join(dir, "trust2", "trusted.pem"),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).output, "from the host|PermissionDenied");
  // a flipped byte in the archive: refused
  tgz.writeUInt8(tgz.readUInt8(tgz.length - 5) ^ 1, tgz.length - 5);
  writeFileSync(join(dir, "bundle.tar.gz"), tgz);
  assert.notEqual(
    run(join(dir, "bundle.tar.gz"), "--openssl-sig", join(dir, "bundle.sig"), "--trust", join(dir, "trust2"))
      .code,
    0,
  );
});

test("bundle mode refuses -s/-p and needs --trust (usage, exit 2)", () => {
  assert.equal(run(join(dir, "job.sgb"), "-s", "x.rhai", "-p", "y.cedar", "--trust", dir).code, 2);
  assert.equal(run(join(dir, "job.sgb")).code, 2);
});

// docs/spec/runner.md §10: a --max-… flag is a ceiling over the manifest's limits, never a replacement.
test("bundle limits: a flag lowers the manifest's limit and never raises it; --explain shows the effective ones", async () => {
  const loop = "let n = 0; for i in 0..100000 { n += 1 } n";
  const asks = join(dir, "asks-little.sgb");
  writeFileSync(asks, await signBundle(sgb(loop, { maxOperations: 2000 }), fileSigner(key.privateKey)));
  // the signer asked for 2,000 operations: a larger flag does not raise it (the old rule let it replace)
  let r = run(asks, "--trust", join(dir, "trust"), "--max-operations", "100000000", "--explain");
  assert.equal(r.code, 0, r.stderr);
  let o = JSON.parse(r.stdout);
  assert.equal(o.status, "ERROR");
  assert.equal(o.sigrun_explain.code, "LIMIT_EXCEEDED");
  assert.deepEqual(o.sigrun_explain.limits, { wallClockMs: 60_000, memoryMb: 256, maxOperations: 2000 });

  const asksMuch = join(dir, "asks-much.sgb");
  writeFileSync(
    asksMuch,
    await signBundle(
      sgb(loop, { maxOperations: 100_000_000, wallClockMs: 30_000 }),
      fileSigner(key.privateKey),
    ),
  );
  r = run(asksMuch, "--trust", join(dir, "trust"), "--explain");
  o = JSON.parse(r.stdout);
  assert.equal(o.status, "SUCCESS", r.stdout);
  assert.equal(o.output, "100000");
  // a smaller flag lowers it
  r = run(
    asksMuch,
    "--trust",
    join(dir, "trust"),
    "--max-operations",
    "2000",
    "--max-wall-ms",
    "90000",
    "--max-memory-mb",
    "64",
    "--explain",
  );
  o = JSON.parse(r.stdout);
  assert.equal(o.sigrun_explain.code, "LIMIT_EXCEEDED");
  assert.deepEqual(o.sigrun_explain.limits, { wallClockMs: 30_000, memoryMb: 64, maxOperations: 2000 });
});

test("bundle limits: a flag of 0 (the interpreter's 'unlimited') is refused as a ceiling (usage, exit 2)", async () => {
  const p = join(dir, "zero.sgb");
  writeFileSync(p, await signBundle(sgb("1", { maxOperations: 2000 }), fileSigner(key.privateKey)));
  const r = run(p, "--trust", join(dir, "trust"), "--max-operations", "0");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--max-operations: .*positive integer/);
  assert.equal(r.stdout, "");
});

/** A minimal ustar archive of regular files. */
function tarOf(files: Array<[string, string]>): Uint8Array {
  const blocks: Buffer[] = [];
  for (const [name, text] of files) {
    const data = Buffer.from(text);
    const h = Buffer.alloc(512);
    h.write(name, 0, "latin1");
    h.write("0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
    h.write(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, "0")}\0`,
      136,
    );
    h.write("        ", 148);
    h.write("0", 156);
    h.write("ustar\0", 257);
    h.write("00", 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return new Uint8Array(Buffer.concat(blocks));
}
