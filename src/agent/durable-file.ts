import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { open, rename } from "node:fs/promises";

/**
 * Writes a file durably: temp name, fsync, rename, fsync of the directory. `mode` (default 0600) is set
 * explicitly, whatever the umask (the systemd unit's UMask=0077 would otherwise strip group bits).
 */
export function writeDurable(path: string, data: Uint8Array | string, dir: string, mode = 0o600): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    if (mode !== 0o600) fchmodSync(fd, mode);
    if (typeof data === "string") writeSync(fd, data);
    else writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dfd = openSync(dir, "r");
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // directories cannot be fsync'ed on some file systems; the rename is still atomic
  }
}

/**
 * `writeDurable` on libuv's thread pool: the same steps in the same order (temp name, fsync, rename,
 * fsync of the directory), without blocking the event loop (creating a file costs ~0.7 ms on ext4 here).
 */
export async function writeDurableAsync(path: string, data: Uint8Array, dir: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  try {
    const dh = await open(dir, "r");
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // directories cannot be fsync'ed on some file systems; the rename is still atomic
  }
}
