import { ftruncateSync } from "node:fs";
import { HostError, ioError } from "../errors.js";
import type { FileHandle } from "./file.js";
import { checkFile, refuseSharedInode } from "./file.js";
import { type SizeUnit, unitBytes } from "./find.js";

/**
 * `file.truncate(TruncateOptions().size(n).format(SizeUnit::…).build())`: write F, then ftruncate to
 * n × unit bytes (shorter: cut; longer: zero-filled). A negative size is refused after the check, as Rex.
 */
export function truncateFile(f: FileHandle, size: bigint, unit: SizeUnit): void {
  checkFile(f.ctx, "write", f.fullPath());
  if (size < 0n)
    throw new HostError("InvalidArguments", "Invalid arguments: Size must be greater than or equal to 0");
  const bytes = Number(size) * unitBytes(unit);
  if (!Number.isSafeInteger(bytes))
    throw new HostError("InvalidArguments", "Invalid arguments: size too large");
  refuseSharedInode(f.fd, f.fullPath()); // an in-place change: not under names Cedar never saw
  try {
    ftruncateSync(f.fd, bytes);
  } catch (err) {
    throw ioError(err);
  }
}
