// The system OpenSSH client, always spawned with an explicit argument list (never a shell string), with
// sigrun's own known_hosts for the host, StrictHostKeyChecking=yes, and no user config or agent.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";
import type { SshTarget } from "./host-record.js";

export const CLIENT_KEY_FILE = "id_ed25519";
export const KNOWN_HOSTS_FILE = "known_hosts";

const USER_RE = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;

/** `USER@HOST[:PORT]` (IPv6 as `[::1]`); default port 22. */
export function parseSshTarget(text: string): SshTarget {
  const m = /^([^@]+)@(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(text);
  const user = m?.[1] ?? "";
  const host = m?.[2] ?? "";
  const port = m?.[3] === undefined ? 22 : Number(m[3]);
  if (!m || !USER_RE.test(user) || !HOST_RE.test(host) || port < 1 || port > 65535)
    throw new SigrunError("USAGE", `--ssh: expected USER@HOST[:PORT], got ${JSON.stringify(text)}`);
  return { user, host: host.replace(/^\[|\]$/g, ""), port };
}

/** OpenSSH's `SHA256:` fingerprint of a key blob (base64, no padding). */
export function sshFingerprint(blobBase64: string): string {
  return `SHA256:${createHash("sha256").update(Buffer.from(blobBase64, "base64")).digest("base64").replace(/=+$/, "")}`;
}

export interface ScannedKey {
  readonly type: string;
  readonly blob: string;
  readonly fingerprint: string;
}

/** The host's SSH host keys, as `ssh-keyscan` reports them. */
export function scanHostKeys(target: SshTarget, timeoutSec = 10): ScannedKey[] {
  const r = spawnSync(
    "ssh-keyscan",
    ["-T", String(timeoutSec), "-p", String(target.port), "--", target.host],
    {
      encoding: "utf8",
      timeout: (timeoutSec + 5) * 1000,
    },
  );
  if (r.error) throw new SigrunError("TRANSPORT_ERROR", `ssh-keyscan: ${r.error.message}`);
  const keys: ScannedKey[] = [];
  for (const line of r.stdout.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 3 || line.startsWith("#")) continue;
    const [, type, blob] = parts as [string, string, string];
    if (!/^[a-z0-9@.-]+$/.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) continue;
    if (!keys.some((k) => k.blob === blob)) keys.push({ type, blob, fingerprint: sshFingerprint(blob) });
  }
  if (keys.length === 0)
    throw new SigrunError(
      "TRANSPORT_ERROR",
      `ssh-keyscan ${target.host}:${target.port}: no host key (is sshd running?)`,
    );
  const rank = (t: string): number => (t === "ssh-ed25519" ? 0 : t.startsWith("ecdsa") ? 1 : 2);
  return keys.sort((a, b) => rank(a.type) - rank(b.type));
}

/** Creates the per-host Ed25519 client key with ssh-keygen (no passphrase; the file is 0600). */
export function createClientKey(dir: string, comment: string): void {
  const r = spawnSync(
    "ssh-keygen",
    ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", join(dir, CLIENT_KEY_FILE)],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0)
    throw new SigrunError("IO_ERROR", `ssh-keygen: ${(r.stderr || r.error?.message || "").trim()}`);
}

/** The argument list for one connection to a pinned host (the remote command is ignored: forced command). */
export function sshArgv(dir: string, alias: string, t: SshTarget): string[] {
  const o = (kv: string) => ["-o", kv];
  return [
    "-F",
    "none",
    "-T",
    "-x",
    "-a",
    ...o("BatchMode=yes"),
    ...o("IdentitiesOnly=yes"),
    ...o("IdentityAgent=none"),
    ...o(`IdentityFile=${join(dir, CLIENT_KEY_FILE)}`),
    ...o(`UserKnownHostsFile=${join(dir, KNOWN_HOSTS_FILE)}`),
    ...o("GlobalKnownHostsFile=/dev/null"),
    ...o("StrictHostKeyChecking=yes"),
    ...o(`HostKeyAlias=${alias}`),
    ...o("UpdateHostKeys=no"),
    ...o("CheckHostIP=no"),
    ...o("PasswordAuthentication=no"),
    ...o("KbdInteractiveAuthentication=no"),
    ...o("ControlMaster=no"),
    ...o("ControlPath=none"),
    ...o("ConnectTimeout=20"),
    ...o("ServerAliveInterval=15"),
    ...o("ServerAliveCountMax=4"),
    ...o("LogLevel=ERROR"),
    "-p",
    String(t.port),
    "-l",
    t.user,
    "--",
    t.host,
    "sigrun-sealed",
  ];
}

export function spawnSsh(argv: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn("ssh", argv, { stdio: ["pipe", "pipe", "pipe"] });
}

/** Maps a failed ssh (exit 255) to a code from what it printed. */
export function sshFailure(stderr: string, status: number | null, name = "NAME"): SigrunError {
  const line = stderr.trim().split("\n").filter(Boolean).slice(-3).join(" / ").slice(0, 300);
  if (
    /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|host key for .* has changed/i.test(
      stderr,
    )
  )
    return new SigrunError(
      "HOST_KEY_MISMATCH",
      `ssh: the host's SSH key is not the pinned one (${line}); re-pin with \`sigrun host add ${name} --replace\``,
    );
  if (/Permission denied/i.test(stderr))
    return new SigrunError(
      "UNAUTHORIZED",
      `ssh: permission denied — is the authorized_keys line installed? (${line})`,
    );
  return new SigrunError("TRANSPORT_ERROR", `ssh exited ${status}: ${line || "no message"}`);
}
