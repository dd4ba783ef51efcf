import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";
import { HOST_KEY_FILE } from "./host-identity.js";

const TRUST_FILE_RE = /\.(pem|pub|crt)$|^(revoked|threshold|purposes)$/;

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/**
 * Refuses to start an agent whose trust or secrets others could change or read (like sshd's StrictModes):
 * a trust directory or trusted key file that is group/other-writable or owned by someone other than root or
 * the agent's user; a `host.key` with any group/other permission; a state dir that others may read or
 * write. Each refusal is UNSAFE_PERMISSIONS naming the path, its mode and owner, and the fix.
 */
export function checkStartupSafety(o: { trust: readonly string[]; stateDir: string; uid?: number }): void {
  const uid = o.uid ?? process.getuid?.() ?? 0;
  const refuse = (path: string, why: string, fix: string): never => {
    throw new SigrunError("UNSAFE_PERMISSIONS", `${path}: ${why}; ${fix} (the agent refuses to start)`);
  };
  const owned = (path: string, st: { uid: number; mode: number }): void => {
    if (st.uid !== 0 && st.uid !== uid)
      refuse(path, `owned by uid ${st.uid}, not root or the agent's user (${uid})`, `chown root ${path}`);
    if (st.mode & 0o022)
      refuse(path, `mode ${octal(st.mode)} is writable by group or others`, `chmod go-w ${path}`);
  };
  for (const t of o.trust) {
    const st = statSync(t, { throwIfNoEntry: false });
    if (!st) continue; // the trust store loader reports a missing path
    owned(t, st);
    if (!st.isDirectory()) continue;
    for (const name of readdirSync(t)) {
      if (!TRUST_FILE_RE.test(name)) continue;
      const f = join(t, name);
      const fs = statSync(f, { throwIfNoEntry: false });
      if (fs?.isFile()) owned(f, fs);
    }
  }
  const sd = statSync(o.stateDir, { throwIfNoEntry: false });
  if (sd) {
    if (sd.uid !== 0 && sd.uid !== uid)
      refuse(
        o.stateDir,
        `owned by uid ${sd.uid}, not root or the agent's user (${uid})`,
        `chown ${uid} ${o.stateDir}`,
      );
    if (sd.mode & 0o007)
      refuse(o.stateDir, `state dir mode ${octal(sd.mode)} lets others in`, `chmod o-rwx ${o.stateDir}`);
    if (sd.mode & 0o020)
      refuse(o.stateDir, `state dir mode ${octal(sd.mode)} is group-writable`, `chmod g-w ${o.stateDir}`);
    const key = join(o.stateDir, HOST_KEY_FILE);
    const ks = existsSync(key) ? statSync(key) : undefined;
    if (ks && ks.mode & 0o077)
      refuse(key, `host key mode ${octal(ks.mode)} is open to group or others`, `chmod 600 ${key}`);
  }
}
