// Permitted/denied cases for SystemInfo().kernel_stats/slab_info/resolve_hostname, SysctlManager().load_system,
// and FileHandle.fallocate (util-linux fallocate on the handle's descriptor).
import assert from "node:assert/strict";
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { HostCase } from "./index.js";

const PROC_STAT = `permit(principal, action == file_system::Action::"read", resource == file_system::File::"/proc/stat");`;
const SLAB = `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource == file_system::Dir::"/proc");
permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource == file_system::File::"/proc/slabinfo");`;
const RESOLVE = `permit(principal, action == sysinfo::Action::"resolve_hostname", resource == sysinfo::Hostname::"localhost");`;
const LOAD = `permit(principal, action == sysctl::Action::"load", resource);
permit(principal, action == file_system::Action::"open", resource in file_system::Dir::"/usr/sbin");`;
const ALL = (d: string) => `permit(principal, action, resource in file_system::Dir::"${d}");`;
const OPEN_DIR = (d: string) => `DirConfig().path("${d}").build().open(OpenDirOptions().build())`;
/** The script's result: the value, or `<kind>: <message>` of a failure other than a Cedar deny (which propagates; Rex reports a denied open inside system info as kind Other). */
const CATCH = (body: string) =>
  `let r = (); try { r = ${body}; } catch (e) { if e.message.contains("unauthorized to perform") { throw e; } r = \`\${e.kind}: \${e.message}\`; } r`;

const linux = () => (existsSync("/proc/stat") ? false : "no /proc/stat");
const slabReadable = (): boolean => {
  try {
    accessSync("/proc/slabinfo", constants.R_OK);
    return true;
  } catch {
    return false;
  }
};
const localhostInHosts = () =>
  existsSync("/etc/hosts") && /^127\.0\.0\.1\s.*\blocalhost\b/m.test(readFileSync("/etc/hosts", "utf8"))
    ? false
    : "/etc/hosts has no 127.0.0.1 localhost";
const bootTime = () => /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1] ?? "?";

export const SYSINFO_KERNEL_CASES: HostCase[] = [
  {
    name: "SystemInfo.kernel_stats",
    skip: linux,
    script: () =>
      `let k = SystemInfo().kernel_stats(); let t = k.total_cpu_time; \`\${k.boot_time} \${k.cpu_time.len() > 0} \${t.user_ms == t.user_ticks * 10} \${k.to_map().forks == k.forks}\``,
    allow: () => PROC_STAT,
    output: new RegExp(`^${bootTime()} true true true$`),
    seq: ['allow read File::"/proc/stat"'],
  },
  {
    // root reads the table; anyone else gets Rex's OS error (the file is mode 0400)
    name: "SystemInfo.slab_info",
    skip: () => (existsSync("/proc/slabinfo") ? false : "no /proc/slabinfo"),
    script: () =>
      CATCH(
        `{ let s = SystemInfo().slab_info(); \`\${s.slabs.len() == s.summary.total_caches} \${s.slabs[0].objs >= s.slabs[-1].objs}\` }`,
      ),
    allow: () => SLAB,
    output: slabReadable() ? "true true" : /^Other: .*Permission denied \(os error 13\)/,
    seq: slabReadable()
      ? ['allow open Dir::"/proc"', 'allow open File::"/proc/slabinfo"', 'allow read File::"/proc/slabinfo"']
      : ['allow open Dir::"/proc"', 'allow open File::"/proc/slabinfo"'],
  },
  {
    name: "SystemInfo.resolve_hostname",
    skip: localhostInHosts,
    script: () =>
      `SystemInfo().resolve_hostname(ResolveOptions().hostname("localhost").protocol(TransportProtocol::AUTO).timeout(5).build()).contains("127.0.0.1")`,
    allow: () => RESOLVE,
    output: "true",
    seq: ['allow resolve_hostname sysinfo::Hostname::"localhost"'],
  },
  {
    // As root this would apply the machine's sysctl.d files: that run is the nobody child of
    // src/runner/load-system.test.ts. Elsewhere the child cannot become root: Rex's exit-code-1 IoError.
    name: "SysctlManager.load_system",
    skip: () => (existsSync("/usr/sbin/sysctl") ? false : "no /usr/sbin/sysctl"),
    skipAllowed: () =>
      process.getuid?.() === 0
        ? "optional: as root this would run sysctl --system on this machine (the permitted path runs as nobody in load-system.test.ts)"
        : false,
    script: () => CATCH(`{ SysctlManager().load_system(); "loaded" }`),
    allow: () => LOAD,
    output:
      /^(loaded|IoError: sysctl --system failed with exit code 1: Failed to set UID 0: EPERM: Operation not permitted\n)$/,
  },
  {
    name: "FileHandle.fallocate",
    skip: () => (existsSync("/usr/bin/fallocate") ? false : "no /usr/bin/fallocate (util-linux)"),
    setup: (d) => writeFileSync(`${d}/f`, "hello"),
    script: (d) =>
      `${OPEN_DIR(d)}.open_file("f", OpenFileOptions().read(true).write(true).build()).fallocate(FallocateOptions().length(1).format(SizeUnit::MEBIBYTES).build()); 1`,
    allow: ALL,
    deny: (d) => `${ALL(d)}\nforbid(principal, action == file_system::Action::"write", resource);`,
    output: "1",
    seq: ['allow open Dir::"$D"', 'allow open File::"$D/f"', 'allow write File::"$D/f"'],
    effect: (d) => {
      const st = statSync(`${d}/f`);
      assert.equal(st.size, 1024 * 1024);
      assert.ok(st.blocks * 512 >= 1024 * 1024, `blocks reserved: ${st.blocks}`);
      assert.equal(readFileSync(`${d}/f`).subarray(0, 5).toString(), "hello");
    },
    noEffect: (d) => assert.equal(statSync(`${d}/f`).size, 5),
  },
];

/** Value types of these calls (no Cedar request of their own). */
export function isSysinfoKernelUngated(name: string): boolean {
  return /^(KernelStats|CpuTime|SlabInfo|SlabEntry|SlabSummary)\./.test(name);
}
