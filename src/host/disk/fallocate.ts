import { existsSync } from "node:fs";
import { constants } from "node:os";
import { hostTimeout } from "../context.js";
import { HostError } from "../errors.js";
import type { FileHandle } from "../fs/file.js";
import { checkFile, refuseSharedInode } from "../fs/file.js";
import { type SizeUnit, unitBytes } from "../fs/find.js";

/** util-linux `fallocate` (Node has no fallocate(2)); Debian package util-linux. */
export const FALLOCATE_BINARY = "/usr/bin/fallocate";
const TIMEOUT_MS = 60_000;
const I64_MAX = (1n << 63n) - 1n;

/** strerror texts util-linux prints → errno names, so the error reads as Rex's rustix Errno does. */
const ERRNO_BY_TEXT: Record<string, string> = {
  "No space left on device": "ENOSPC",
  "File too large": "EFBIG",
  "Operation not supported": "EOPNOTSUPP",
  "Invalid argument": "EINVAL",
  "Bad file descriptor": "EBADF",
  "Operation not permitted": "EPERM",
  "Permission denied": "EACCES",
  "Input/output error": "EIO",
  "Read-only file system": "EROFS",
  "Text file busy": "ETXTBSY",
  "No such device": "ENODEV",
  "Illegal seek": "ESPIPE",
  "Disk quota exceeded": "EDQUOT",
};

function rustixError(stderr: string): HostError {
  const text = stderr.trim().split(": ").at(-1) ?? "";
  const name = ERRNO_BY_TEXT[text];
  const errno = name === undefined ? undefined : (constants.errno as Record<string, number>)[name];
  const message = errno === undefined ? `fallocate failed: ${stderr.trim()}` : `${text} (os error ${errno})`;
  return new HostError("RustixError", message);
}

/**
 * `file.fallocate(FallocateOptions().length(n).format(SizeUnit::…).build())`: write F (Rex's order: the
 * Cedar request, then the handle must be open for writing), then fallocate(fd, mode 0, offset 0,
 * length) — blocks reserved and the size extended, as Rex's rustix call. It runs util-linux
 * `fallocate --offset 0 --length <bytes> /dev/fd/3` with the handle's descriptor as fd 3 (no shell, empty
 * environment), so the file allocated is the inode that was opened and authorized, never a path looked
 * up again. Length ≤ 0 is Rex's ValidationError `Length must be greater than 0`.
 */
export function fallocateFile(f: FileHandle, length: bigint, unit: SizeUnit): void {
  checkFile(f.ctx, "write", f.fullPath());
  f.requireWriteMode();
  if (length <= 0n) throw new HostError("ValidationError", "Validation error: Length must be greater than 0");
  const bytes = length * BigInt(unitBytes(unit));
  if (bytes > I64_MAX) throw new HostError("ValidationError", "Validation error: length too large");
  refuseSharedInode(f.fd, f.fullPath()); // an in-place change: not under names Cedar never saw
  if (!existsSync(FALLOCATE_BINARY))
    throw new HostError(
      "UnsupportedOperationError",
      `Unsupported Operation error: ${FALLOCATE_BINARY} not found`,
    );
  const r = process
    .getBuiltinModule("node:child_process")
    .spawnSync(FALLOCATE_BINARY, ["--offset", "0", "--length", bytes.toString(), "/dev/fd/3"], {
      env: {},
      stdio: ["ignore", "pipe", "pipe", f.fd],
      timeout: hostTimeout(f.ctx, TIMEOUT_MS),
      killSignal: "SIGKILL",
      maxBuffer: 64 * 1024,
      encoding: "utf8",
    });
  if (r.error) throw new HostError("IoError", `fallocate failed: ${r.error.message}`);
  if (r.status !== 0) throw rustixError(r.stderr ?? "");
}
