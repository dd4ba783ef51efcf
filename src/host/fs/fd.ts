import { closeSync, existsSync, fstatSync, readlinkSync, realpathSync } from "node:fs";
import type { HostContext } from "../context.js";

/** Whether `/proc/self/fd/N/<name>` can be used as `openat(N, name)` (Linux). */
export function procFdAvailable(): boolean {
  return existsSync("/proc/self/fd");
}

/** The path the kernel says an open descriptor refers to; `fallback` realpath when /proc is absent. */
export function fdPath(fd: number, fallback: string): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return realpathSync(fallback);
  }
}

export function sameInode(fd: number, st: { dev: number; ino: number } | undefined): boolean {
  if (st === undefined) return true;
  const now = fstatSync(fd);
  return now.dev === st.dev && now.ino === st.ino;
}

export function track(ctx: HostContext, fd: number): void {
  ctx.fds?.add(fd);
}

export function release(ctx: HostContext, fd: number): void {
  if (ctx.fds?.delete(fd) === false) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** Closes every descriptor still tracked (end of a run). */
export function closeAll(fds: Set<number>): void {
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
  fds.clear();
}
