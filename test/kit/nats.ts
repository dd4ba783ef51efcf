// A real NATS server with JetStream for tests: $SIGRUN_TEST_NATS_URL if set, else `nats-server -js` on
// 127.0.0.1 with a random port and a temporary store dir, stopped (and the dir removed) by `stop()`.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestNats {
  readonly url: string;
  stop(): Promise<void>;
}

/** Why NATS tests must skip, or undefined when a server is available. */
export function natsUnavailable(): string | undefined {
  if (process.env.SIGRUN_TEST_NATS_URL) return undefined;
  const r = spawnSync("nats-server", ["--version"]);
  return r.status === 0
    ? undefined
    : "nats-server not installed (Debian package nats-server; CI installs it)";
}

export async function startNats(opts: { args?: readonly string[] } = {}): Promise<TestNats> {
  const given = process.env.SIGRUN_TEST_NATS_URL;
  // extra server arguments (e.g. --auth) always get a private server
  if (given && !opts.args) return { url: given, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), "sigrun-nats-"));
  const proc: ChildProcess = spawn(
    "nats-server",
    ["-js", "-a", "127.0.0.1", "-p", "-1", "-sd", dir, "--http_port", "0", ...(opts.args ?? [])],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000);
    const onData = (c: Buffer): void => {
      log += c.toString();
      const m = /Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m && /Server is ready/.test(log)) {
        clearTimeout(timer);
        resolve(`nats://127.0.0.1:${m[1]}`);
      }
    };
    proc.stderr!.on("data", onData);
    proc.stdout!.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}: ${log}`));
    });
  });
  return {
    url,
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
