// `sigrun host add`: the per-host client key, the pinned SSH host key, the restricted authorized_keys line,
// and — once that line is installed — the host's receipt key and job key, fetched over the pinned channel.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isSigrunError, SigrunError, utf8Encode } from "../core/index.js";
import { isX25519Recipient, type Message } from "../jobwire/index.js";
import { keyFingerprints, parsePublicKey } from "../keys/index.js";
import { type AgentAuthFiles, agentAuthFiles } from "./agent-http.js";
import { authorizedKeysLine, DEFAULT_REMOTE, installCommand, type RemoteCommand } from "./authorized-keys.js";
import { fetchAgentKeys, sshChannel } from "./channel.js";
import { checkHostName } from "./config-dir.js";
import { ensureHostDir, type HostRecord, isReady, loadHost, saveHost, writeAtomic } from "./host-record.js";
import {
  CLIENT_KEY_FILE,
  createClientKey,
  KNOWN_HOSTS_FILE,
  parseSshTarget,
  type ScannedKey,
  scanHostKeys,
} from "./ssh.js";

export interface HostAddOptions {
  readonly configDir: string;
  readonly name: string;
  readonly ssh?: string;
  readonly agent?: string;
  /** With `agent`: the credential files the agent requires (token file, TLS CA, client certificate). */
  readonly agentAuth?: AgentAuthFiles;
  /** SSH: the expected `SHA256:…` host-key fingerprint; agent: the expected receipt key id `sha256:…`. */
  readonly hostKeyFingerprint?: string;
  readonly replace?: boolean;
  readonly remote?: Partial<RemoteCommand>;
  /** Accept the shown key without asking (trust on first use). */
  readonly yes?: boolean;
  /** Asks the user (a TTY); absent → refuse unless a fingerprint or --yes was given. */
  readonly confirm?: (question: string) => Promise<boolean>;
  /**
   * The key is not installed yet: shows `installCommand` and waits while the user installs it (a TTY);
   * true → try the pinned channel again (one `host add` does it all), false → stop, status `pending`.
   * Absent: return `pending` at once (run `host add NAME` again after installing).
   */
  readonly waitForInstall?: (installCommand: string) => Promise<boolean>;
  readonly log: (line: string) => void;
}

export interface HostAddResult {
  readonly record: HostRecord;
  readonly status: "ready" | "pending";
  readonly authorizedKeysLine?: string;
  readonly installCommand?: string;
}

async function accept(o: HostAddOptions, what: string): Promise<void> {
  if (o.yes) return;
  if (!o.confirm)
    throw new SigrunError(
      "USAGE",
      `not a terminal: confirm ${what} with --host-key-fingerprint (or accept it with --yes)`,
    );
  if (!(await o.confirm(`pin ${what}? [y/N] `)))
    throw new SigrunError("USAGE", "not pinned: the user declined");
}

function pinnedKeys(m: Message): {
  hostId: string;
  receiptKey: { keyId: string; pem: string };
  jobKey: string;
} {
  const rk = m.receipt_key as { key_id?: unknown; pem?: unknown } | undefined;
  if (
    m.t !== "keys" ||
    typeof rk?.pem !== "string" ||
    typeof rk.key_id !== "string" ||
    !isX25519Recipient(m.job_key)
  )
    throw new SigrunError(
      "PROTOCOL_ERROR",
      "host keys: expected {receipt_key: {key_id, pem}, job_key: age1…}",
    );
  const info = parsePublicKey(utf8Encode(rk.pem), "host receipt key");
  if (info.algorithm !== "ed25519" || info.keyId !== rk.key_id)
    throw new SigrunError("KEY_INVALID", "host receipt key: expected an Ed25519 key matching its key id");
  const hostId = typeof m.host_id === "string" ? m.host_id.slice(0, 63) : "";
  return { hostId, receiptKey: { keyId: info.keyId, pem: rk.pem }, jobKey: m.job_key as string };
}

function existing(o: HostAddOptions): HostRecord | undefined {
  try {
    return loadHost(o.configDir, o.name);
  } catch (err) {
    if (isSigrunError(err, "HOST_UNKNOWN")) return undefined;
    throw err;
  }
}

export async function hostAdd(o: HostAddOptions): Promise<HostAddResult> {
  checkHostName(o.name);
  const old = existing(o);
  if (o.ssh === undefined && o.agent === undefined && old?.ssh) {
    // the second run, after the authorized_keys line was installed: same target
    const t = old.ssh;
    o = { ...o, ssh: `${t.user}@${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}` };
  }
  if ((o.ssh === undefined) === (o.agent === undefined))
    throw new SigrunError("USAGE", "host add: give exactly one of --ssh USER@HOST[:PORT] or --agent URL");
  if (old && isReady(old) && !o.replace)
    throw new SigrunError("USAGE", `host ${o.name}: already added and pinned (re-pin with --replace)`);
  const added = old?.added ?? new Date().toISOString();
  if (o.agent !== undefined) return addAgent(o, added);
  const target = parseSshTarget(o.ssh!);
  const dir = ensureHostDir(o.configDir, o.name);
  if (!existsSync(join(dir, CLIENT_KEY_FILE))) createClientKey(dir, `sigrun-${o.name}`);
  const same =
    old?.ssh && old.ssh.host === target.host && old.ssh.port === target.port && old.ssh.user === target.user;
  let hostKey: ScannedKey;
  if (same && !o.replace && old?.ssh) {
    hostKey = old.ssh.hostKey;
    o.log(`host key ${hostKey.fingerprint} (${hostKey.type}) — pinned before`);
  } else {
    const keys = scanHostKeys(target);
    if (o.hostKeyFingerprint !== undefined) {
      const k = keys.find((x) => x.fingerprint === o.hostKeyFingerprint);
      if (!k)
        throw new SigrunError(
          "HOST_KEY_MISMATCH",
          `${target.host}:${target.port} offers ${keys.map((x) => x.fingerprint).join(", ")}, not ${o.hostKeyFingerprint}`,
        );
      hostKey = k;
      o.log(`host key ${k.fingerprint} (${k.type}) — matches --host-key-fingerprint`);
    } else {
      hostKey = keys[0]!;
      o.log(`host key of ${target.host}:${target.port}: ${hostKey.fingerprint} (${hostKey.type})`);
      await accept(o, `SSH host key ${hostKey.fingerprint}`);
    }
  }
  writeAtomic(join(dir, KNOWN_HOSTS_FILE), `${o.name} ${hostKey.type} ${hostKey.blob}\n`);
  const remote: RemoteCommand = {
    ...DEFAULT_REMOTE,
    ...(old?.ssh?.remote ?? {}),
    ...stripUndefined(o.remote ?? {}),
  };
  const line = authorizedKeysLine(readFileSync(join(dir, `${CLIENT_KEY_FILE}.pub`), "utf8"), remote);
  const cmd = installCommand(target, line);
  const pending: HostRecord = {
    v: 1,
    name: o.name,
    transport: "ssh",
    ssh: {
      ...target,
      hostKey: { type: hostKey.type, blob: hostKey.blob, fingerprint: hostKey.fingerprint },
      remote,
    },
    added,
  };
  saveHost(o.configDir, pending);
  let keys: Message | undefined;
  while (keys === undefined) {
    const ch = sshChannel(o.configDir, pending);
    try {
      keys = await ch.hello({ t: "hello", v: 1, want: "keys" });
    } catch (err) {
      if (!isSigrunError(err, "UNAUTHORIZED")) throw err;
      if (!(await o.waitForInstall?.(cmd)))
        return { record: pending, status: "pending", authorizedKeysLine: line, installCommand: cmd };
    } finally {
      await ch.close();
    }
  }
  const k = pinnedKeys(keys);
  if (old?.receiptKey && old.receiptKey.keyId !== k.receiptKey.keyId)
    o.log(`receipt key changed: was ${old.receiptKey.keyId}`);
  if (old?.jobKey && old.jobKey !== k.jobKey) o.log(`job key changed: was ${old.jobKey}`);
  const ready: HostRecord = { ...pending, ...k, pinned: new Date().toISOString() };
  saveHost(o.configDir, ready);
  return { record: ready, status: "ready", authorizedKeysLine: line, installCommand: cmd };
}

async function addAgent(o: HostAddOptions, added: string): Promise<HostAddResult> {
  let url: URL;
  try {
    url = new URL(o.agent!);
  } catch {
    throw new SigrunError("USAGE", `--agent: expected http(s)://HOST:PORT, got ${o.agent}`);
  }
  if (
    (url.protocol !== "https:" && url.protocol !== "http:") ||
    url.pathname !== "/" ||
    url.search ||
    url.username
  )
    throw new SigrunError("USAGE", `--agent: expected http(s)://HOST:PORT, got ${o.agent}`);
  const endpoint = { url: url.origin, ...agentAuthFiles(o.agentAuth ?? {}, url.protocol === "https:") };
  const k = pinnedKeys(await fetchAgentKeys(endpoint));
  // the receipt key as `ssh-keygen -l` / `sigrun key id` show it (SHA256:…), for --host-key-fingerprint
  const sshFp = keyFingerprints(parsePublicKey(utf8Encode(k.receiptKey.pem)).keyObject).openssh;
  o.log(`receipt key ${k.receiptKey.keyId} (${sshFp}), job key ${k.jobKey}`);
  if (o.hostKeyFingerprint !== undefined) {
    if (o.hostKeyFingerprint !== k.receiptKey.keyId && o.hostKeyFingerprint !== sshFp)
      throw new SigrunError(
        "HOST_KEY_MISMATCH",
        `agent receipt key is ${k.receiptKey.keyId} (${sshFp}), not ${o.hostKeyFingerprint}`,
      );
  } else await accept(o, `receipt key ${k.receiptKey.keyId} and job key ${k.jobKey}`);
  const record: HostRecord = {
    v: 1,
    name: o.name,
    transport: "http",
    agent: endpoint,
    ...k,
    added,
    pinned: new Date().toISOString(),
  };
  ensureHostDir(o.configDir, o.name);
  saveHost(o.configDir, record);
  return { record, status: "ready" };
}

function stripUndefined<T extends object>(v: T): Partial<T> {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as Partial<T>;
}
