// The host registry: one directory per host under `$XDG_CONFIG_HOME/sigrun/hosts/NAME/` (0700) holding
// host.json (0600), the per-host SSH client key id_ed25519 (0600) with .pub, and sigrun's own known_hosts.
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";
import type { AgentEndpoint } from "./agent-http.js";
import { checkHostName } from "./config-dir.js";

export interface SshTarget {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

export interface HostRecord {
  readonly v: 1;
  readonly name: string;
  readonly transport: "ssh" | "http";
  readonly ssh?: SshTarget & {
    /** The pinned SSH host key: type, base64 blob, `SHA256:…` fingerprint. */
    readonly hostKey: { readonly type: string; readonly blob: string; readonly fingerprint: string };
    /** The forced command on the host (authorized_keys). */
    readonly remote: { readonly sigrun: string; readonly state: string; readonly trust: string };
  };
  readonly agent?: AgentEndpoint;
  /** Pinned over the channel once the host answered; absent while `pending`. */
  readonly hostId?: string;
  readonly receiptKey?: { readonly keyId: string; readonly pem: string };
  readonly jobKey?: string;
  readonly added: string;
  readonly pinned?: string;
}

export function hostsDir(configDir: string): string {
  return join(configDir, "hosts");
}

export function hostDir(configDir: string, name: string): string {
  return join(hostsDir(configDir), checkHostName(name));
}

export function isReady(r: HostRecord): boolean {
  return r.receiptKey !== undefined && r.jobKey !== undefined;
}

/** Writes a file atomically (temp name in the same dir, fsync, rename) with `mode`. */
export function writeAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

export function ensureHostDir(configDir: string, name: string): string {
  mkdirSync(hostsDir(configDir), { recursive: true, mode: 0o700 });
  const dir = hostDir(configDir, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

export function saveHost(configDir: string, r: HostRecord): void {
  const dir = ensureHostDir(configDir, r.name);
  writeAtomic(join(dir, "host.json"), `${JSON.stringify(r, null, 2)}\n`);
}

export function loadHost(configDir: string, name: string): HostRecord {
  const path = join(hostDir(configDir, name), "host.json");
  if (!existsSync(path))
    throw new SigrunError("HOST_UNKNOWN", `host ${name}: not added (sigrun host add ${name} …)`);
  let r: HostRecord;
  try {
    r = JSON.parse(readFileSync(path, "utf8")) as HostRecord;
  } catch (err) {
    throw new SigrunError("INPUT_INVALID", `${path}: not json`, { cause: err });
  }
  if (r?.v !== 1 || r.name !== name || (r.transport !== "ssh" && r.transport !== "http"))
    throw new SigrunError("INPUT_INVALID", `${path}: not a sigrun host record`);
  return r;
}

export function listHosts(configDir: string): HostRecord[] {
  const dir = hostsDir(configDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, "host.json")))
    .sort()
    .map((n) => loadHost(configDir, n));
}

export function removeHost(configDir: string, name: string): void {
  const dir = hostDir(configDir, name);
  if (!existsSync(join(dir, "host.json"))) throw new SigrunError("HOST_UNKNOWN", `host ${name}: not added`);
  rmSync(dir, { recursive: true, force: true });
}
