// End to end over the agent's HTTP API (a real `sigrun agent --http` with the real runner): the copy
// example, a real program (sha256sum) over every input, 1,000 small inputs; ledger, receipt and cleanup.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  COPY_SCRIPT,
  COUNT_SCRIPT,
  type SealedWorld,
  SHA256SUM_SCRIPT,
  sealedWorld,
  writeTree,
} from "../../test/kit/sealed-world.js";
import { verifyReceipt } from "../agent/index.js";
import { parsePublicKey } from "../keys/index.js";
import { execute, ledgerPath } from "./execute.js";
import { JobLedger } from "./ledger.js";

let w: SealedWorld;
before(async () => {
  w = await sealedWorld();
});
after(async () => {
  await w.stop();
});

/** Every file under `dir` (recursively) that contains `needle`. */
function grepTree(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

test("copy example: INPUTS/f1.txt 'Hello World' → OUTPUTS/f1.txt, receipt verified, ledger closed", async () => {
  const inputs = writeTree(join(w.dir, "INPUTS"), { "f1.txt": "Hello World" });
  const outputs = join(w.dir, "OUTPUTS");
  const app = await w.app(COPY_SCRIPT, "copy.sgb");
  const r = await execute({ configDir: w.configDir, host: "local", app, inputs, outputs, timeoutMs: 60_000 });
  assert.equal(r.status, "succeeded", Buffer.from(r.stderr).toString());
  assert.equal(readFileSync(join(outputs, "f1.txt"), "utf8"), "Hello World");
  assert.deepEqual(readdirSync(outputs), ["f1.txt"]);
  assert.equal(r.attestation, "none");
  // the receipt is an ordinary agent receipt too (sigrun receipt verify)
  const st = verifyReceipt(r.receipt, parsePublicKey(readFileSync(join(w.state, "host.pub"))));
  assert.equal(st.predicate.status, "succeeded");
  const sealed = (st.predicate as unknown as { sealed: { job_digest: string; nonce: string } }).sealed;
  assert.equal(sealed.job_digest, r.jobDigest);
  assert.equal(sealed.nonce, r.nonce);
  // subjects are output ciphertext digests, never plaintext ones
  const plainDigest = createHash("sha256").update("Hello World").digest("hex");
  assert.ok(!st.subject.some((s: { digest: { sha256: string } }) => s.digest.sha256 === plainDigest));
  const ledger = JobLedger.open(ledgerPath(w.configDir));
  assert.equal(ledger.get(r.jobDigest)?.state, "closed");
  ledger.dispose();
  // no staging directory left beside OUTPUTS, no plaintext in the agent's state (audit, jobs)
  assert.deepEqual(
    readdirSync(w.dir).filter((n) => n.includes(".sigrun-")),
    [],
  );
  assert.deepEqual(grepTree(w.state, "Hello World"), []);
});

test("a real program over every input: sha256sum through execute", async () => {
  const files: Record<string, string> = { "a.txt": "alpha\n", "b.bin": "\u0000\u0001binary", "c.txt": "" };
  const inputs = writeTree(join(w.dir, "in-sha"), files);
  const outputs = join(w.dir, "out-sha");
  const app = await w.app(SHA256SUM_SCRIPT, "sha.sgb");
  const r = await execute({ configDir: w.configDir, host: "local", app, inputs, outputs, timeoutMs: 60_000 });
  assert.equal(r.status, "succeeded", Buffer.from(r.stderr).toString());
  for (const [name, data] of Object.entries(files)) {
    const line = readFileSync(join(outputs, `${name}.sha256`), "utf8");
    assert.equal(line.split(" ")[0], createHash("sha256").update(data).digest("hex"), name);
  }
  assert.equal(r.outputs.length, 3);
});

test("1,000 small inputs", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 1000; i++) files[`f${String(i).padStart(4, "0")}.txt`] = `input number ${i}\n`;
  const inputs = writeTree(join(w.dir, "in-many"), files);
  const outputs = join(w.dir, "out-many");
  const app = await w.app(COUNT_SCRIPT, "count.sgb");
  const r = await execute({ configDir: w.configDir, host: "local", app, inputs, outputs, timeoutMs: 60_000 });
  assert.equal(r.status, "succeeded", Buffer.from(r.stderr).toString());
  assert.equal(r.inputs, 1000);
  assert.equal(readFileSync(join(outputs, "count.txt"), "utf8"), "1000");
});

test("--outputs that exists and is not empty is refused before anything is sent", async () => {
  const inputs = writeTree(join(w.dir, "in-x"), { "f.txt": "x" });
  const outputs = writeTree(join(w.dir, "out-x"), { "keep.txt": "mine" });
  const app = await w.app(COPY_SCRIPT);
  await assert.rejects(
    execute({ configDir: w.configDir, host: "local", app, inputs, outputs, timeoutMs: 60_000 }),
    (e: { code?: string }) => e.code === "USAGE",
  );
  assert.deepEqual(readdirSync(outputs), ["keep.txt"]);
  assert.ok(existsSync(join(outputs, "keep.txt")));
});

test("--store: the sealed blobs go through an untrusted store that never holds plaintext, and are deleted after", async () => {
  const { startStoreServer } = await import("../store/index.js");
  const storeDir = join(w.dir, "store");
  const store = await startStoreServer({ dir: storeDir }, { host: "127.0.0.1", port: 0 });
  try {
    const secret = "a secret input line that must never be stored in clear";
    const inputs = writeTree(join(w.dir, "in-store"), { "s.txt": secret, "t.txt": "second secret" });
    const outputs = join(w.dir, "out-store");
    const app = await w.app(COPY_SCRIPT, "copy-store.sgb");
    const seen: string[][] = [];
    const r = await execute({
      configDir: w.configDir,
      host: "local",
      app,
      inputs,
      outputs,
      store: store.url,
      timeoutMs: 60_000,
      progress: () => seen.push(readdirSync(join(storeDir, "blobs"))),
    });
    assert.equal(r.status, "succeeded", Buffer.from(r.stderr).toString());
    assert.equal(readFileSync(join(outputs, "s.txt"), "utf8"), secret);
    // blobs were on the store during the job (inputs uploaded before "running on the host")
    assert.ok(
      seen.some((names) => names.length >= 4),
      JSON.stringify(seen),
    );
    assert.deepEqual(grepTree(storeDir, secret), []);
    assert.deepEqual(grepTree(storeDir, "second secret"), []);
    // after the verified pull the client deleted the inputs and the outputs
    assert.deepEqual(readdirSync(join(storeDir, "blobs")), []);
  } finally {
    await store.close();
  }
});

test("host add --agent --host-key-fingerprint takes the receipt key's SHA256:… (as ssh-keygen -l shows it) or its key id", async () => {
  const { spawnSync } = await import("node:child_process");
  const { writeFileSync } = await import("node:fs");
  // the expected fingerprint from an independent tool: the key as an OpenSSH line (RFC 8709 wire form of
  // the 32 raw bytes at the end of the SPKI), fingerprinted by ssh-keygen -l
  const raw = parsePublicKey(readFileSync(join(w.state, "host.pub"))).spkiDer.slice(-32);
  const str = (b: Uint8Array) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([str(Buffer.from("ssh-ed25519")), str(raw)]);
  writeFileSync(join(w.dir, "host.ssh.pub"), `ssh-ed25519 ${blob.toString("base64")}\n`);
  const l = spawnSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(w.dir, "host.ssh.pub")], {
    encoding: "utf8",
  });
  const fp = /SHA256:[A-Za-z0-9+/]+/.exec(l.stdout)?.[0];
  assert.ok(fp, l.stderr);
  const main = new URL("../cli/main.js", import.meta.url).pathname;
  const env = { ...process.env, XDG_CONFIG_HOME: join(w.dir, "cfg-fp") };
  const add = (name: string, pin: string) =>
    spawnSync(
      process.execPath,
      [main, "host", "add", name, "--agent", w.agent.url!, "--host-key-fingerprint", pin, "--json"],
      {
        env,
        encoding: "utf8",
      },
    );
  const ok = add("by-ssh-fp", fp);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).status, "ready");
  const keyId = parsePublicKey(readFileSync(join(w.state, "host.pub"))).keyId;
  assert.equal(add("by-key-id", keyId).status, 0);
  const wrong = add("wrong", `SHA256:${"A".repeat(43)}`);
  assert.equal(wrong.status, 81, wrong.stderr);
  assert.match(wrong.stderr, /HOST_KEY_MISMATCH/);
});
