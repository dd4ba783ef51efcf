import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { cli } from "../../test/kit/bundle-fixtures.js";
import { EXIT_CODES } from "../cli/exit-codes.js";

let dir: string;
let url: string;
let server: ReturnType<typeof spawn>;
const main = new URL("../cli/main.js", import.meta.url).pathname;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-store-cli-"));
  writeFileSync(join(dir, "token"), "a-long-bearer-token-5678\n");
  server = spawn(
    process.execPath,
    [
      main,
      "store",
      "serve",
      "--dir",
      join(dir, "s"),
      "--listen",
      "127.0.0.1:0",
      "--token-file",
      join(dir, "token"),
      "--quiet",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  url = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.on("exit", (c) => reject(new Error(`store serve exited ${c}`)));
  });
});
after(() => {
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

it("sigrun store put / get / rm against sigrun store serve", () => {
  writeFileSync(join(dir, "blob"), Buffer.alloc(123_456, 3));
  const auth = ["--store", url, "--token-file", join(dir, "token")];
  assert.equal(cli(["store", "put", join(dir, "blob"), "--store", url]).code, EXIT_CODES.UNAUTHORIZED ?? 1);
  const put = cli(["store", "put", join(dir, "blob"), ...auth, "--json"]);
  assert.equal(put.code, 0, put.stderr);
  const r = JSON.parse(put.stdout) as { digest: string; size: number; deleteToken: string };
  assert.equal(r.size, 123_456);
  const get = cli(["store", "get", r.digest, "--size", "123456", "-o", join(dir, "back"), ...auth]);
  assert.equal(get.code, 0, get.stderr);
  assert.deepEqual(readFileSync(join(dir, "back")), readFileSync(join(dir, "blob")));
  const bad = cli(["store", "get", r.digest, "--size", "123457", "-o", join(dir, "bad"), ...auth]);
  assert.equal(bad.code, EXIT_CODES.DIGEST_MISMATCH);
  assert.equal(existsSync(join(dir, "bad")), false);
  writeFileSync(join(dir, "wrong"), "nope\n");
  const rmWrong = cli(["store", "rm", r.digest, ...auth, "--delete-token-file", join(dir, "wrong")]);
  assert.notEqual(rmWrong.code, 0);
  writeFileSync(join(dir, "deltok"), `${r.deleteToken}\n`);
  const rm = cli(["store", "rm", r.digest, ...auth, "--delete-token-file", join(dir, "deltok")]);
  assert.equal(rm.code, 0, rm.stderr);
  const gone = cli(["store", "get", r.digest, "--size", "123456", "-o", join(dir, "gone"), ...auth]);
  assert.equal(gone.code, EXIT_CODES.STORE_NOT_FOUND);
  assert.equal(cli(["store", "--help"]).code, 0);
});

it("sigrun store get without --size takes the size from HEAD and still checks size and digest", async () => {
  const blob = Buffer.alloc(54_321, 7);
  writeFileSync(join(dir, "blob2"), blob);
  const auth = ["--store", url, "--token-file", join(dir, "token")];
  const put = cli(["store", "put", join(dir, "blob2"), ...auth, "--json"]);
  assert.equal(put.code, 0, put.stderr);
  const { digest } = JSON.parse(put.stdout) as { digest: string };
  const get = cli(["store", "get", digest, "-o", join(dir, "back2"), ...auth, "--json"]);
  assert.equal(get.code, 0, get.stderr);
  assert.deepEqual(readFileSync(join(dir, "back2")), blob);
  assert.equal((JSON.parse(get.stdout) as { size: number }).size, blob.length);
  const toStdout = spawnSync(process.execPath, [main, "store", "get", digest, ...auth], { timeout: 60_000 });
  assert.equal(toStdout.status, 0, toStdout.stderr.toString());
  assert.deepEqual(toStdout.stdout, blob);
  const missing = `sha256:${"ab".repeat(32)}`;
  const gone = cli(["store", "get", missing, "-o", join(dir, "gone2"), ...auth]);
  assert.equal(gone.code, EXIT_CODES.STORE_NOT_FOUND, gone.stderr);
  assert.equal(existsSync(join(dir, "gone2")), false);

  // A store that lies: HEAD announces the size, GET serves other bytes of that size → nothing written.
  const liar = createServer((req, res) => {
    res.writeHead(200, { "content-length": String(blob.length) });
    res.end(req.method === "HEAD" ? undefined : Buffer.alloc(blob.length, 8));
  });
  await new Promise<void>((r) => liar.listen(0, "127.0.0.1", r));
  try {
    const port = (liar.address() as { port: number }).port;
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(
        process.execPath,
        [main, "store", "get", digest, "--store", `http://127.0.0.1:${port}`, "-o", join(dir, "lied")],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      let stderr = "";
      p.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      p.on("exit", (code) => resolve({ code, stderr }));
    });
    assert.equal(r.code, EXIT_CODES.DIGEST_MISMATCH, r.stderr);
    assert.equal(existsSync(join(dir, "lied")), false);
  } finally {
    liar.close();
  }
});
