// Permitted/denied cases for dmesg, sysctl_* and the SystemInfo()/SysctlManager() objects.
import { accessSync, constants, existsSync } from "node:fs";
import type { HostCase } from "./index.js";

const KMSG = `permit(principal, action == file_system::Action::"read", resource == file_system::File::"/dev/kmsg");`;
const LIST = `permit(principal, action == sysinfo::Action::"list", resource);`;
const MEMINFO = `permit(principal, action == file_system::Action::"read", resource == file_system::File::"/proc/meminfo");`;
const PROC_SYS_RO = `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"/proc/sys");`;
const PROC_SYS_RW = `permit(principal, action in [file_system::Action::"open", file_system::Action::"read", file_system::Action::"write"], resource in file_system::Dir::"/proc/sys");`;
const READ_SEQ = [
  'allow open Dir::"/proc/sys/kernel"',
  'allow open File::"/proc/sys/kernel/ostype"',
  'allow read File::"/proc/sys/kernel/ostype"',
];
// Writing the host name back unchanged is the least intrusive real sysctl write.
const WRITE_SEQ = [
  'allow open Dir::"/proc/sys/kernel"',
  'allow open File::"/proc/sys/kernel/hostname"',
  'allow read File::"/proc/sys/kernel/hostname"',
  'allow open Dir::"/proc/sys/kernel"',
  'allow open File::"/proc/sys/kernel/hostname"',
  'allow write File::"/proc/sys/kernel/hostname"',
];

function kmsg(): string | false {
  try {
    accessSync("/dev/kmsg", constants.R_OK);
    return false;
  } catch {
    return "/dev/kmsg not readable here";
  }
}

function sysWritable(): string | false {
  try {
    accessSync("/proc/sys/kernel/hostname", constants.W_OK);
    return false;
  } catch {
    return "/proc/sys is read-only here";
  }
}

const linux = () => (existsSync("/proc/sys/kernel/ostype") ? false : "no /proc/sys");

export const SYSINFO_CASES: HostCase[] = [
  {
    name: "dmesg",
    skip: kmsg,
    script: () => `let d = dmesg(); d.len() > 0 && d[0].timestamp_from_system_start.len() >= 12`,
    allow: () => KMSG,
    output: "true",
    seq: ['allow read File::"/dev/kmsg"'],
  },
  {
    name: "SystemInfo.dmesg_info",
    skip: kmsg,
    script: () =>
      `let d = SystemInfo().dmesg_info(DmesgOptions().human_readable_time(true).build()); d.len() > 0 && d[0].to_map().message == d[0].message`,
    allow: () => KMSG,
    output: "true",
    seq: ['allow read File::"/dev/kmsg"'],
  },
  {
    name: "sysctl_read",
    skip: linux,
    script: () => `sysctl_read("kernel.ostype")`,
    allow: () => PROC_SYS_RO,
    deny: () =>
      `permit(principal, action == file_system::Action::"open", resource in file_system::Dir::"/proc/sys");`,
    output: "Linux",
    seq: READ_SEQ,
  },
  {
    name: "SysctlManager.read",
    skip: linux,
    script: () => `SysctlManager().read("kernel.ostype")`,
    allow: () => PROC_SYS_RO,
    output: "Linux",
    seq: READ_SEQ,
  },
  {
    name: "sysctl_find",
    skip: linux,
    script: () => `sysctl_find("^/proc/sys/kernel/(ostype|osrelease)$").map(|e| e.key)`,
    allow: () => PROC_SYS_RO,
    output: /^\["kernel\.os(type|release)", "kernel\.os(type|release)"\]$/,
  },
  {
    name: "SysctlManager.find",
    skip: linux,
    script: () => `let e = SysctlManager().find("kernel/ostype$"); \`\${e[0].key}=\${e[0].value}\``,
    allow: () => PROC_SYS_RO,
    output: "kernel.ostype=Linux",
  },
  {
    name: "sysctl_write",
    skip: () => linux() || sysWritable(),
    script: () =>
      `let v = sysctl_read("kernel.hostname"); sysctl_write("kernel.hostname", v); sysctl_read("kernel.hostname") == v`,
    allow: () => PROC_SYS_RW,
    deny: () => PROC_SYS_RO,
    output: "true",
    seq: [...WRITE_SEQ, ...WRITE_SEQ.slice(0, 3)],
  },
  {
    name: "SysctlManager.write",
    skip: () => linux() || sysWritable(),
    script: () => `let m = SysctlManager(); m.write("kernel.hostname", m.read("kernel.hostname")); 1`,
    allow: () => PROC_SYS_RW,
    deny: () => PROC_SYS_RO,
    output: "1",
    seq: WRITE_SEQ,
  },
  ...(
    [
      ["SystemInfo.hostname", "s.hostname().len() > 0", LIST],
      ["SystemInfo.cpu_count", "s.cpu_count() > 0", LIST],
      ["SystemInfo.uname_info", "s.uname_info().processor == s.uname_info().machine", LIST],
      [
        "SystemInfo.memory_info",
        "let m = s.memory_info(); m.total >= m.used && m.to_map().shared_mem >= 0",
        MEMINFO,
      ],
      ["SystemInfo.swap_info", "let w = s.swap_info(); w.total == w.free + w.used", MEMINFO],
    ] as const
  ).map(
    ([name, expr, allow]): HostCase => ({
      name,
      skip: () => (existsSync("/proc/meminfo") ? false : "no /proc/meminfo"),
      script: () => `let s = SystemInfo(); ${expr}`,
      allow: () => allow,
      output: "true",
    }),
  ),
];

/** Names that make no Cedar request: constructors and result values. */
export function isSysinfoUngated(name: string): boolean {
  if (/^(DmesgEntry|Meminfo|Swapinfo|SysctlEntry)\./.test(name)) return true;
  return ["SystemInfo", "SysctlManager"].includes(name);
}
