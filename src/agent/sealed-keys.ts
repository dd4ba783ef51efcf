import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";
import { type AgeKeyPair, newAgeKeyPair, recipientOf } from "../jobwire/index.js";

export const JOB_KEY_FILE = "job.key";

/**
 * The host's long-term X25519 job key (an age identity, `<state>/job.key`, 0600), created at first use.
 * Clients pin its recipient; a released job key J is sealed to it and to the job's ephemeral key E.
 */
export async function loadOrCreateJobKey(stateDir: string): Promise<AgeKeyPair> {
  const path = join(stateDir, JOB_KEY_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
    if ((statSync(path).mode & 0o077) !== 0)
      throw new SigrunError("KEY_INVALID", `${path}: readable by others (expected mode 0600)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const kp = newAgeKeyPair();
    const tmp = `${path}.tmp-${process.pid}`;
    const fd = openSync(tmp, "wx", 0o600);
    try {
      writeSync(fd, `# sigrun job key (age X25519 identity); recipient ${kp.recipient}\n${kp.identity}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      // link, not rename: never replace a key another process created meanwhile
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
    text = readFileSync(path, "utf8");
  }
  const identity = text.split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1"));
  if (!identity) throw new SigrunError("KEY_INVALID", `${path}: no age identity`);
  return { identity, recipient: recipientOf(identity) };
}
