import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { ownerKey, STUB_RUNNER, stubBundle, tempDir, trustOf } from "../../../test/kit/agent-fixtures.js";
import { rawTar, rawTarEntry } from "../../../test/kit/bundle-fixtures.js";
import { startTestS3 } from "../../../test/kit/s3.js";
import { fileSigner, generateKey, rawSign } from "../../keys/index.js";
import { S3Client, s3ConfigFromUrl } from "../../store/index.js";
import { Agent } from "../agent.js";
import { s3Submit } from "../client/s3-submit.js";
import { verifyReceipt } from "../receipt.js";
import { S3Transport } from "./s3.js";

test("s3 transport: .sgb and classic tar.gz+sig from a bucket prefix, receipts beside them, never twice", async () => {
  const s3 = await startTestS3();
  const d = tempDir();
  const owner = ownerKey();
  const classicKey = generateKey("p256");
  const agent = await Agent.start({
    stateDir: join(d.path, "state"),
    hostId: "s3-host",
    trust: trustOf(owner, fileSigner(classicKey.privateKey)),
    runnerModule: STUB_RUNNER,
  });
  const url = s3.url("rex-bundles");
  const transport = new S3Transport({ url, env: s3.env, pollMs: 100, sigWaitMs: 300 });
  const raw = new S3Client(s3ConfigFromUrl(url, s3.env));
  try {
    await transport.start(agent);
    // The native form.
    const sgb = await stubBundle([owner]);
    const r1 = await s3Submit({
      url,
      name: "job-1.sgb",
      bundle: sgb,
      wait: true,
      timeoutMs: 20_000,
      env: s3.env,
    });
    assert.equal(verifyReceipt(r1.receipt!, agent.identity.publicKey).predicate.status, "succeeded");

    // The seed's literal flow: bundle.tar.gz + bundle.sig (openssl dgst -sha256 -sign).
    const tar = rawTar([
      rawTarEntry({
        name: "script.rhai",
        data: Buffer.from(JSON.stringify({ op: "echo", value: "classic" })),
      }),
      rawTarEntry({ name: "policy.cedar", data: Buffer.from("permit(principal, action, resource);\n") }),
    ]);
    const tgz = new Uint8Array(gzipSync(tar));
    const sig = rawSign("p256", classicKey.privateKey, tgz);
    const r2 = await s3Submit({
      url,
      name: "bundle.tar.gz",
      bundle: tgz,
      sig,
      wait: true,
      timeoutMs: 20_000,
      env: s3.env,
    });
    assert.equal(verifyReceipt(r2.receipt!, agent.identity.publicKey).predicate.status, "succeeded");

    // A tar.gz whose .sig never comes is rejected after the wait, with a receipt.
    const r3 = await s3Submit({
      url,
      name: "nosig.tar.gz",
      bundle: tgz,
      wait: false,
      timeoutMs: 1,
      env: s3.env,
    }).catch((e: Error) => e);
    assert.ok(r3 instanceof Error, "submit refuses a classic bundle without --sig");
    await raw.put(
      raw.key("nosig.tar.gz"),
      tgz.byteLength,
      createHash("sha256").update(tgz).digest("hex"),
      tgz,
      false,
    );

    // Replay: the same .sgb under another name is refused by the agent's replay set.
    const r4 = await s3Submit({
      url,
      name: "job-1-again.sgb",
      bundle: sgb,
      wait: true,
      timeoutMs: 20_000,
      env: s3.env,
    });
    const p4 = verifyReceipt(r4.receipt!, agent.identity.publicKey).predicate;
    assert.equal(p4.status, "rejected");
    assert.equal(p4.error?.code, "REPLAY");

    // Removing a receipt does not make the transport run the object again. First wait until the transport
    // is idle: the receipt of nosig.tar.gz comes only after its sig wait, and could otherwise land between
    // the two listings below (under load it did).
    for (let i = 0; i < 200; i++) {
      if ((await raw.list()).some((o) => o.key === raw.key("nosig.tar.gz.receipt.json"))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = (await raw.list()).map((o) => o.key).sort();
    await raw.delete(raw.key("job-1.sgb.receipt.json"));
    await transport.kick();
    await new Promise((r) => setTimeout(r, 400));
    await transport.kick();
    const after = (await raw.list()).map((o) => o.key).sort();
    assert.deepEqual(
      after,
      before.filter((k) => !k.endsWith("job-1.sgb.receipt.json")),
    );
    for (const k of [
      "nosig.tar.gz.receipt.json",
      "bundle.tar.gz.receipt.json",
      "job-1-again.sgb.receipt.json",
    ])
      assert.ok(after.includes(raw.key(k)), k);
    const nosig = verifyReceipt(
      await raw.getBytes(raw.key("nosig.tar.gz.receipt.json"), 1 << 20),
      agent.identity.publicKey,
    );
    assert.equal(nosig.predicate.status, "rejected");

    // The CLI: sigrun submit --to s3://… --wait prints the receipt.
    writeFileSync(join(d.path, "cli-job.sgb"), await stubBundle([owner]));
    // (async spawn: the agent runs in this process and must keep polling meanwhile)
    const main = new URL("../../cli/main.js", import.meta.url).pathname;
    const out = await promisify(execFile)(
      process.execPath,
      [main, "submit", join(d.path, "cli-job.sgb"), "--to", url, "--wait", "--json", "--timeout", "30s"],
      { env: s3.env },
    );
    const outcome = JSON.parse(out.stdout);
    assert.equal(outcome.receipts[0].status, "succeeded");
    // the fetch hints name a command that works: the jobs API is the agent's HTTP one, not the bucket
    assert.match(outcome.receipts[0].fetch.stdout, /^sigrun jobs logs [0-9a-f]{32} --state <state dir of /);
  } finally {
    await transport.stop();
    await agent.close();
    await s3.close();
    d.cleanup();
  }
});
