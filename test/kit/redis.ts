import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A Redis for tests: `url`, a fresh key `prefix`, and `stop()` (stops only a server we started). */
export interface TestRedis {
  url: string;
  prefix: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether `redis-server` is installed (tests skip with a reason otherwise, unless $SIGRUN_TEST_REDIS_URL). */
export function redisAvailable(): boolean {
  if (process.env.SIGRUN_TEST_REDIS_URL) return true;
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Uses $SIGRUN_TEST_REDIS_URL when set; otherwise starts `redis-server` on 127.0.0.1 with a random port
 * in a temp dir (no persistence) and waits until it answers. Keys are namespaced by a random prefix.
 */
export async function startTestRedis(opts: { args?: readonly string[] } = {}): Promise<TestRedis> {
  const prefix = `sigrun-test:${process.pid}:${Math.random().toString(36).slice(2)}:`;
  const fromEnv = process.env.SIGRUN_TEST_REDIS_URL;
  // extra server arguments (e.g. --requirepass) always get a private server
  if (fromEnv && !opts.args) return { url: fromEnv, prefix, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), "sigrun-redis-"));
  const port = await freePort();
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      ...(opts.args ?? []),
    ],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once("error", () => resolve(false));
      s.connect(port, "127.0.0.1", () => {
        s.write("PING\r\n");
        s.once("data", (d: Buffer) => {
          s.destroy();
          resolve(d.toString().startsWith("+PONG") || d.toString().startsWith("-NOAUTH"));
        });
      });
    });
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error("redis-server did not start");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    prefix,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
