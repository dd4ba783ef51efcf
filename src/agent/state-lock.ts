import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";

/** One agent per state dir: a lock file with the pid; a stale lock (dead pid) is taken over. */
export function takeLock(stateDir: string): string {
  const path = join(stateDir, "agent.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return path;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EEXIST")
        throw new SigrunError("IO_ERROR", `state dir ${stateDir}: ${code ?? "cannot take the lock"}`, {
          cause: err,
        });
      const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new SigrunError("IO_ERROR", `state dir ${stateDir}: in use by agent pid ${pid}`);
      rmSync(path, { force: true });
    }
  }
  throw new SigrunError("IO_ERROR", `state dir ${stateDir}: cannot take the lock`);
}

/** Gives the state dir up (the agent's close, or a failed start). */
export function releaseLock(path: string): void {
  rmSync(path, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
