// `execute --store s3://bucket/prefix` against an S3-compatible server (s3rver, test/kit/s3.ts): the
// client and the agent each use their own AWS_* variables; the bucket holds only ciphertext while the job
// runs (and after).
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startTestS3, type TestS3 } from "../../test/kit/s3.js";
import { COPY_SCRIPT, type SealedWorld, sealedWorld, writeTree } from "../../test/kit/sealed-world.js";
import { execute } from "./execute.js";

let s3: TestS3;
let w: SealedWorld;
before(async () => {
  s3 = await startTestS3();
  // the agent (spawned next) inherits the AWS_* variables, as a host configured for the bucket would
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL_S3"])
    process.env[k] = s3.env[k];
  w = await sealedWorld();
});
after(async () => {
  await w.stop();
  await s3.close();
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

test("execute --store s3://…: only ciphertext in the bucket", async () => {
  const secret = "plaintext that must never reach the bucket";
  const inputs = writeTree(join(w.dir, "in-s3"), { "f1.txt": secret });
  const app = await w.app(COPY_SCRIPT, "copy-s3.sgb");
  let during: string[] = [];
  let plaintextSeen = false;
  const r = await execute({
    configDir: w.configDir,
    host: "local",
    app,
    inputs,
    outputs: join(w.dir, "out-s3"),
    store: s3.url(`jobs/${Date.now()}`),
    timeoutMs: 60_000,
    progress: (s) => {
      if (!s.startsWith("running")) return;
      during = files(s3.dir);
      plaintextSeen = during.some((f) => readFileSync(f).includes(secret));
    },
  });
  assert.equal(r.status, "succeeded", Buffer.from(r.stderr).toString());
  assert.equal(readFileSync(join(w.dir, "out-s3", "f1.txt"), "utf8"), secret);
  assert.ok(during.length > 0, "the sealed inputs were in the bucket while the job ran");
  assert.equal(plaintextSeen, false, "plaintext in the bucket during the job");
  for (const f of files(s3.dir)) assert.ok(!readFileSync(f).includes(secret), `plaintext in ${f}`);
});
