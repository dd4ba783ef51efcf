// A host that cannot take the job for its own reasons (here: it has no credentials for the client's
// s3:// store) refuses with a code only. The client must report that as the host's refusal — not as a
// usage error of its own command line ("see `sigrun execute --help`", exit 2) — and leave no outputs.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startTestS3, type TestS3 } from "../../test/kit/s3.js";
import { COPY_SCRIPT, type SealedWorld, sealedWorld, writeTree } from "../../test/kit/sealed-world.js";
import { EXIT_CODES } from "../cli/exit-codes.js";

let s3: TestS3;
let w: SealedWorld;
before(async () => {
  s3 = await startTestS3();
  // the agent gets no AWS_* variables: it cannot reach the bucket the client uses
  w = await sealedWorld();
});
after(async () => {
  await w.stop();
  await s3.close();
});

test("a host-side refusal is reported as the host's, not as a usage error of the client", async () => {
  writeTree(join(w.dir, "INPUTS"), { "f1.txt": "Hello World" });
  const app = await w.app(COPY_SCRIPT);
  const main = new URL("../cli/main.js", import.meta.url).pathname;
  // async: the s3rver of this test runs in this process
  const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const p = spawn(
      process.execPath,
      [
        main,
        "execute",
        "--host",
        "local",
        "--app",
        app,
        "--inputs",
        join(w.dir, "INPUTS"),
        "--outputs",
        join(w.dir, "OUTPUTS"),
        "-r",
        s3.url("sealed"),
      ],
      { env: { ...s3.env, XDG_CONFIG_HOME: join(w.dir, "config") }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    p.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    p.on("exit", (status) => resolve({ status, stderr }));
  });
  assert.equal(r.status, EXIT_CODES.PEER_REJECTED, r.stderr);
  assert.match(r.stderr, /PEER_REJECTED: the host refused the sealed job \(its code: USAGE\)/);
  assert.doesNotMatch(r.stderr, /--help/);
  assert.equal(existsSync(join(w.dir, "OUTPUTS")), false);
});
