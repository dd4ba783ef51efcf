import { readFileSync } from "node:fs";

function lookup(file: string, id: number): string | undefined {
  try {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const f = line.split(":");
      if (f.length > 2 && Number(f[2]) === id) return f[0];
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** User name for a uid from /etc/passwd (the uid as text when unknown). */
export function passwdName(uid: number): string {
  return lookup("/etc/passwd", uid) ?? String(uid);
}

/** Group name for a gid from /etc/group. */
export function groupName(gid: number): string {
  return lookup("/etc/group", gid) ?? String(gid);
}

function reverse(file: string, name: string): number | undefined {
  try {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const f = line.split(":");
      if (f.length > 2 && f[0] === name) return Number(f[2]);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function uidOf(name: string): number | undefined {
  return reverse("/etc/passwd", name);
}

export function gidOf(name: string): number | undefined {
  return reverse("/etc/group", name);
}
