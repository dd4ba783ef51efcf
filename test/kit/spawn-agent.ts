// Spawns `sigrun agent … --json` as a real process for tests and waits for its "ready" line.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { publicKeyPem, type Signer } from "../../src/keys/index.js";
import { STUB_RUNNER } from "./agent-fixtures.js";

export const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

export interface SpawnedAgent {
  readonly proc: ChildProcess;
  readonly ready: { hostId: string; keyId: string; transports: string[] };
  /** The http base URL when --http was given. */
  readonly url: string | undefined;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill9(): Promise<void>;
  stderr(): string;
}

export async function spawnAgent(
  args: readonly string[],
  opts: { stub?: boolean; timeoutMs?: number } = {},
): Promise<SpawnedAgent> {
  const full = [
    CLI,
    "agent",
    ...args,
    "--json",
    ...(opts.stub === false ? [] : ["--runner-module", STUB_RUNNER]),
  ];
  const proc = spawn(process.execPath, full, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stderr!.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const ready = await new Promise<SpawnedAgent["ready"]>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`agent did not start: ${err}`));
    }, opts.timeoutMs ?? 20_000);
    proc.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.includes('"event":"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code}: ${err}`));
    });
  });
  const http = ready.transports.find((t) => t.startsWith("http"));
  return {
    proc,
    ready,
    url: http,
    stop: async () => {
      proc.kill("SIGTERM");
      return exited;
    },
    kill9: async () => {
      proc.kill("SIGKILL");
      await exited;
    },
    stderr: () => err,
  };
}

/** Runs the CLI synchronously. */
export function cli(
  args: readonly string[],
  input?: Uint8Array,
): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/**
 * A trust dir under `dir` holding `owner`'s public key, and a stub-runner agent (host h1) serving HTTP on a
 * free loopback port with `extra` flags; `state` is its state directory.
 */
export async function spawnHttpAgent(
  dir: string,
  owner: Signer,
  extra: readonly string[] = [],
): Promise<{ agent: SpawnedAgent; state: string }> {
  const trust = join(dir, "trusted");
  mkdirSync(trust, { recursive: true });
  writeFileSync(join(trust, "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const state = join(dir, "state");
  const args = ["--trust", trust, "--state", state, "--host-id", "h1", "--http", "127.0.0.1:0", ...extra];
  return { agent: await spawnAgent(args), state };
}
