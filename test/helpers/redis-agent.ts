// A real Redis server for agent tests: $SIGRUN_TEST_REDIS_URL if set, else `redis-server` on 127.0.0.1
// with a random free port, no persistence, in a temporary dir; `stop()` shuts it down and removes the dir.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

export function redisUnavailable(): string | undefined {
  if (process.env.SIGRUN_TEST_REDIS_URL) return undefined;
  return spawnSync("redis-server", ["--version"]).status === 0
    ? undefined
    : "redis-server not installed (CI installs it)";
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  const given = process.env.SIGRUN_TEST_REDIS_URL;
  if (given) return { url: given, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), "sigrun-redis-"));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc: ChildProcess = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let log = "";
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      proc.stdout!.on("data", (c: Buffer) => {
        log += c.toString();
        if (/Ready to accept connections/.test(log)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      proc.once("exit", () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ok) {
      proc.kill("SIGKILL");
      continue;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      stop: async () => {
        if (proc.exitCode === null) {
          const exited = new Promise((r) => proc.once("exit", r));
          proc.kill("SIGTERM");
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error("redis-server did not start");
}
