import { existsSync, lstatSync } from "node:fs";
import { checkPath } from "../check-path.js";
import { type HostContext, hostTimeout } from "../context.js";
import { HostError } from "../errors.js";

const UMOUNT = ["/usr/bin/umount", "/bin/umount"];

function unmountError(path: string, error: string): HostError {
  return new HostError("Other", `Failed to unmount ${path}: ${error}`, "DiskinfoErrorKind");
}

/**
 * Rex's `unmount(UnmountOptions().path(p).build())`: `file_system::Action::"unmount"` on Dir(p), then
 * umount2(p, UMOUNT_NOFOLLOW). Node has no umount syscall, so this refuses a symlink at p itself (NOFOLLOW)
 * and runs util-linux `umount --no-canonicalize -- p` with an empty environment. Needs CAP_SYS_ADMIN.
 */
export function unmount(ctx: HostContext, path: string): void {
  checkPath(ctx, "unmount", "Dir", path, { source: "DiskinfoErrorKind" });
  try {
    if (lstatSync(path).isSymbolicLink()) throw unmountError(path, "Invalid argument (os error 22)");
  } catch (err) {
    if (err instanceof HostError) throw err;
    throw unmountError(path, "No such file or directory (os error 2)");
  }
  const bin = UMOUNT.find((p) => existsSync(p));
  if (bin === undefined) throw unmountError(path, "umount program not available");
  // node:child_process loads on first use, not with this module (sigrun run's script thread starts faster)
  const r = process.getBuiltinModule("node:child_process").spawnSync(bin, ["--no-canonicalize", "--", path], {
    env: {},
    encoding: "utf8",
    timeout: hostTimeout(ctx, 30_000),
    maxBuffer: 64 * 1024,
  });
  if (r.error) throw unmountError(path, r.error.message);
  if (r.status !== 0) throw unmountError(path, (r.stderr || `exit ${r.status}`).trim().slice(0, 500));
}
