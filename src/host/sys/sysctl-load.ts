import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { plainEntity } from "../../policy/index.js";
import type { HostContext } from "../context.js";
import { check, hostTimeout } from "../context.js";
import { HostError } from "../errors.js";
import { openDir } from "../fs/dir.js";
import { openFileIn } from "../fs/file.js";

const SYSCTL_DIR = "/usr/sbin";
const SYSCTL_NAME = "sysctl";
const TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 1024 * 1024;

const ioError = (message: string): HostError => new HostError("IoError", message, "SysteminfoErrorKind");

/**
 * `SysctlManager().load_system()`: `sysctl::Action::"load"` on `sysctl::Sysctl` (a random id), then, as
 * Rex, open D(/usr/sbin), open F(sysctl) read-only, and run that very file (through its descriptor)
 * as `/usr/sbin/sysctl --system` as user root with an empty environment. A non-zero exit is an
 * IoError `sysctl --system failed with exit code N: <stderr>`; warnings on stderr after a zero exit
 * are logged. Without the right to become root (not root, no CAP_SETUID) the child cannot switch to
 * uid 0, which Rex reports as exit code 1 with `Failed to set UID 0: EPERM: Operation not permitted`.
 */
export function sysctlLoadSystem(ctx: HostContext): void {
  const id = randomUUID();
  const uid = { type: "sysctl::Sysctl", id };
  check(ctx, "sysctl", "load", uid, [plainEntity(uid.type, id)], {
    messageId: `sysctl::Sysctl::${JSON.stringify(id)}`,
    source: "SysteminfoErrorKind",
  });
  const dir = openDir(ctx, SYSCTL_DIR, {});
  try {
    const file = openFileIn(dir, SYSCTL_NAME, { read: true });
    try {
      const viaFd = `/proc/${process.pid}/fd/${file.fd}`;
      const r = process
        .getBuiltinModule("node:child_process")
        .spawnSync(existsSync(viaFd) ? viaFd : file.fullPath(), ["--system"], {
          argv0: file.fullPath(),
          env: {},
          uid: 0,
          timeout: hostTimeout(ctx, TIMEOUT_MS),
          killSignal: "SIGKILL",
          maxBuffer: MAX_OUTPUT,
          stdio: ["ignore", "pipe", "pipe"],
          encoding: "utf8",
        });
      const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
      if (r.error && r.status === null && r.signal === null && code !== "ENOBUFS") {
        if (code === "EPERM")
          throw ioError(
            "sysctl --system failed with exit code 1: Failed to set UID 0: EPERM: Operation not permitted\n",
          );
        throw ioError(`sysctl --system failed: ${r.error.message}`);
      }
      // Rex reports a child killed by a signal as exit code -<signal number>
      const status = r.status ?? -(r.signal ? (constants.signals[r.signal] ?? 0) : 0);
      const stderr = r.stderr ?? "";
      if (status !== 0) throw ioError(`sysctl --system failed with exit code ${status}: ${stderr}`);
      if (stderr !== "") ctx.log?.("WARN", `sysctl --system produced warnings: ${stderr}`);
    } finally {
      file.close();
    }
  } finally {
    dir.close();
  }
}
