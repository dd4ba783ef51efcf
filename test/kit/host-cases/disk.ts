// Permitted/denied cases for Rex's disk-info SDK (df, iostat, lsblk, Filesystems, unmount).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync } from "node:fs";
import type { HostCase } from "./index.js";

const READ_PROC = `permit(principal, action == file_system::Action::"read", resource in file_system::Dir::"/proc");`;
const STAT_ANY = `permit(principal, action == file_system::Action::"stat", resource is file_system::Dir);`;
const IOSTAT_SEQ = ['allow read File::"/proc/stat"', 'allow read File::"/proc/diskstats"'];

function mounted(p: string): boolean {
  return readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[1] === p);
}

/** Whether this process may mount (root with CAP_SYS_ADMIN): the unmount case needs a real mount. */
function cannotMount(): string | false {
  if (!existsSync("/proc/mounts")) return "no /proc/mounts";
  const d = `/tmp/sigrun-mount-probe-${process.pid}`;
  mkdirSync(d, { recursive: true });
  try {
    const r = spawnSync("mount", ["-t", "tmpfs", "sigrun-probe", d], { stdio: "ignore" });
    if (r.status !== 0) return "cannot mount here (needs CAP_SYS_ADMIN); unmount is tested denied only";
    spawnSync("umount", [d], { stdio: "ignore" });
    return false;
  } finally {
    rmdirSync(d);
  }
}

function mountTmpfs(d: string): void {
  mkdirSync(`${d}/m`);
  const r = spawnSync("mount", ["-t", "tmpfs", "sigrun-test", `${d}/m`], { stdio: "ignore" });
  assert.equal(r.status, 0, "mount tmpfs");
}

const linuxOnly = () => (existsSync("/proc/diskstats") ? false : "no /proc/diskstats");

export const DISK_CASES: HostCase[] = [
  {
    name: "df",
    skip: linuxOnly,
    script: () =>
      `let r = df(); r.len() > 0 && r.all(|f| f.size >= f.block_used && f.mounted_on.starts_with("/"))`,
    allow: () => `${READ_PROC}\n${STAT_ANY}`,
    // the mounts are read but no mount point may be stat'ed
    deny: () => READ_PROC,
    output: "true",
  },
  {
    name: "Filesystems.filesystems",
    skip: linuxOnly,
    script: () =>
      `let f = Filesystems(FilesystemOptions().targets(["/"]).local(true).build()).filesystems(); f.len() > 0 && type_of(f[0].block_use_percent) == "f64"`,
    allow: () => `${READ_PROC}\n${STAT_ANY}`,
    deny: () =>
      `permit(principal, action == file_system::Action::"read", resource == file_system::File::"/proc/mounts");`,
    output: "true",
  },
  {
    name: "iostat",
    skip: linuxOnly,
    script: () =>
      `let s = iostat(); let c = s.cpu_stats; c.idle_percent >= 0.0 && s.to_string().starts_with("avg-cpu:")`,
    allow: () => READ_PROC,
    deny: () =>
      `permit(principal, action == file_system::Action::"read", resource == file_system::File::"/proc/stat");`,
    output: "true",
    seq: IOSTAT_SEQ,
  },
  {
    name: "Filesystems.iostat",
    skip: linuxOnly,
    script: () =>
      `let s = Filesystems(FilesystemOptions().build()).iostat(); s.device_stats.all(|d| d.util_percent <= 100.0)`,
    allow: () => READ_PROC,
    output: "true",
    seq: IOSTAT_SEQ,
  },
  {
    name: "lsblk",
    skip: linuxOnly,
    // Rex's lsblk needs /dev/disk/by-id, which containers often lack; then it fails like Rex (after the
    // permitted reads), so the permitted run returns that error text. A denial is re-thrown.
    script: () =>
      `let out = (); try { out = lsblk().values().all(|d| d.size_kib >= 0 && type_of(d.children) == "array"); } catch (e) { if e.contains("Permission denied") { throw e; } out = e; } out`,
    allow: () => `permit(principal, action, resource in file_system::Dir::"/");`,
    output: existsSync("/dev/disk/by-id") ? "true" : /^No such file or directory/,
  },
  {
    name: "unmount",
    skip: cannotMount,
    setup: mountTmpfs,
    script: (d) => `unmount(UnmountOptions().path("${d}/m").build()); 1`,
    allow: (d) =>
      `permit(principal, action == file_system::Action::"unmount", resource == file_system::Dir::"${d}/m");`,
    deny: (d) =>
      `permit(principal, action == file_system::Action::"unmount", resource == file_system::Dir::"${d}");`,
    output: "1",
    seq: ['allow unmount Dir::"$D/m"'],
    effect: (d) => assert.ok(!mounted(`${d}/m`)),
    noEffect: (d) => {
      const still = mounted(`${d}/m`);
      spawnSync("umount", [`${d}/m`], { stdio: "ignore" });
      assert.ok(still);
    },
  },
];

/** Disk-info names that make no Cedar request: constructors, builders, result getters, constants. */
export function isDiskUngated(name: string): boolean {
  if (/^(Filesystem|CpuStats|DeviceStats|IoStatSnapshot|Unit)\./.test(name)) return true;
  return ["format_bytes", "Filesystems"].includes(name);
}
