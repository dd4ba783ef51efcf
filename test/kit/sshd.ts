// A real OpenSSH server for tests: /usr/sbin/sshd on 127.0.0.1 (random port) with a temporary config, host
// key and authorized_keys, running as the current user (root in CI). `replaceHostKey()` restarts it with a
// new host key (the "changed SSH host key" attack).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const SSHD = "/usr/sbin/sshd";

export interface TestSshd {
  readonly port: number;
  readonly user: string;
  readonly dir: string;
  /** Append lines here (sshd reads it at each login). */
  readonly authorizedKeys: string;
  /** `SHA256:…` of the current host key. */
  hostKeyFingerprint(): string;
  /** Restarts sshd with a freshly generated host key; returns its fingerprint. */
  replaceHostKey(): Promise<string>;
  /** A shell wrapper that runs this checkout's sigrun CLI (for the forced command). */
  readonly sigrunWrapper: string;
  stop(): Promise<void>;
}

/** Whether a real sshd can be used here (installed, and we may start it). */
export function sshdAvailable(): boolean {
  return existsSync(SSHD) && spawnSync("ssh", ["-V"], { stdio: "ignore" }).status === 0;
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

function keygen(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
}

function fingerprint(pubPath: string): string {
  const r = spawnSync("ssh-keygen", ["-l", "-E", "sha256", "-f", pubPath], { encoding: "utf8" });
  const fp = /SHA256:[A-Za-z0-9+/]+/.exec(r.stdout)?.[0];
  if (!fp) throw new Error(`ssh-keygen -l: ${r.stderr}`);
  return fp;
}

async function listening(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`sshd exited ${proc.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
      s.connect(port, "127.0.0.1");
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-sshd-"));
  chmodSync(dir, 0o755);
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const hostKey = join(dir, "ssh_host_ed25519_key");
  keygen(hostKey);
  const authorizedKeys = join(dir, "authorized_keys");
  writeFileSync(authorizedKeys, "", { mode: 0o600 });
  const cli = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
  const sigrunWrapper = join(dir, "sigrun");
  writeFileSync(sigrunWrapper, `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`, { mode: 0o755 });
  const user = userInfo().username;
  let port = 0;
  let proc: ChildProcess | undefined;
  let log = "";
  const start = async (fixedPort?: number): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      port = fixedPort ?? (await freePort());
      const config = join(dir, "sshd_config");
      writeFileSync(
        config,
        [
          `Port ${port}`,
          "ListenAddress 127.0.0.1",
          `HostKey ${hostKey}`,
          `PidFile ${join(dir, "sshd.pid")}`,
          `AuthorizedKeysFile ${authorizedKeys}`,
          "StrictModes no",
          "PubkeyAuthentication yes",
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "PermitRootLogin prohibit-password",
          `AllowUsers ${user}`,
          "UsePAM no",
          "PrintMotd no",
          "LogLevel ERROR",
          "",
        ].join("\n"),
      );
      log = "";
      const p = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
      p.stderr!.on("data", (c: Buffer) => {
        log += c.toString();
      });
      try {
        await listening(port, p, () => log);
        proc = p;
        return;
      } catch (err) {
        p.kill("SIGKILL");
        if (attempt === 4) throw err;
      }
    }
  };
  const stopProc = async (): Promise<void> => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    get port() {
      return port;
    },
    user,
    dir,
    authorizedKeys,
    sigrunWrapper,
    hostKeyFingerprint: () => fingerprint(`${hostKey}.pub`),
    async replaceHostKey() {
      await stopProc();
      keygen(hostKey);
      await start(port);
      return fingerprint(`${hostKey}.pub`);
    },
    async stop() {
      await stopProc();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
