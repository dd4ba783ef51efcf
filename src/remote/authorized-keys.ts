// The authorized_keys line `sigrun host add` prints: the per-host client key, restricted to one command —
// the agent in stdin mode — with every forwarding and the pty off (`restrict`).
import { SigrunError } from "../core/index.js";
import type { SshTarget } from "./host-record.js";

export interface RemoteCommand {
  /** The sigrun executable on the host (default `sigrun`). */
  readonly sigrun: string;
  /** The agent's state dir on the host (default `/var/lib/sigrun`). */
  readonly state: string;
  /** The agent's trust store on the host (default `/etc/sigrun/trusted`). */
  readonly trust: string;
}

export const DEFAULT_REMOTE: RemoteCommand = {
  sigrun: "sigrun",
  state: "/var/lib/sigrun",
  trust: "/etc/sigrun/trusted",
};

const SAFE = /^[A-Za-z0-9_./+-]{1,255}$/;

function safe(v: string, flag: string): string {
  if (!SAFE.test(v))
    throw new SigrunError(
      "USAGE",
      `${flag}: only letters, digits and _ . / + - are allowed, got ${JSON.stringify(v)}`,
    );
  return v;
}

/** `restrict,command="sigrun agent --stdin --state … --trust …" ssh-ed25519 AAAA… comment` */
export function authorizedKeysLine(pubLine: string, r: RemoteCommand): string {
  const parts = pubLine.trim().split(/\s+/);
  if (parts.length < 2 || parts[0] !== "ssh-ed25519" || !/^[A-Za-z0-9+/]+={0,2}$/.test(parts[1]!))
    throw new SigrunError("KEY_INVALID", "client key: expected an ssh-ed25519 public key line");
  const comment = parts[2] && SAFE.test(parts[2]) ? ` ${parts[2]}` : "";
  const cmd = `${safe(r.sigrun, "--remote-sigrun")} agent --stdin --state ${safe(r.state, "--remote-state")} --trust ${safe(r.trust, "--remote-trust")}`;
  return `restrict,command="${cmd}" ssh-ed25519 ${parts[1]}${comment}`;
}

/**
 * The one-line shell command that appends the line over the user's existing SSH access:
 * `ssh [-p PORT] USER@HOST "umask 077 && mkdir -p .ssh && echo '…' >> .ssh/authorized_keys"`.
 * The line holds only characters that are literal inside both quotings (checked above).
 */
export function installCommand(t: SshTarget, line: string): string {
  if (/['\\$`!]/.test(line)) throw new SigrunError("INTERNAL", "authorized_keys line: unexpected character");
  const escaped = line.replace(/"/g, '\\"');
  const port = t.port === 22 ? "" : `-p ${t.port} `;
  return `ssh ${port}${t.user}@${t.host} "umask 077 && mkdir -p .ssh && echo '${escaped}' >> .ssh/authorized_keys"`;
}
