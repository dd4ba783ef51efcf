// SysctlManager().load_system() and SystemInfo().slab_info() without root: the runner is started as a
// user that may not become root (nobody when the tests run as root, else the current user), so the
// OS, not Cedar, refuses: Rex's IoError for the child that cannot switch to uid 0, and the EACCES of
// the root-only /proc/slabinfo. As root, load_system is never run here for real (it would apply the
// machine's sysctl.d files); the host-api case covers the permitted run elsewhere.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, linkSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";

const MAIN = resolve(import.meta.dirname, "../cli/main.js");
const root = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), "sigrun-nobody-"));
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));

/** A node binary the unprivileged user can run (this one may sit under a private home directory). */
function nodeBinary(): string {
  if (!root) return process.execPath;
  const copy = join(dir, "node");
  if (!existsSync(copy)) {
    try {
      linkSync(process.execPath, copy);
    } catch {
      copyFileSync(process.execPath, copy);
    }
  }
  return copy;
}

function runUnprivileged(script: string, policy: string): Record<string, unknown> {
  const s = join(dir, `s-${Math.random().toString(36).slice(2)}.rhai`);
  const p = `${s}.cedar`;
  writeFileSync(s, script, { mode: 0o644 });
  writeFileSync(p, policy, { mode: 0o644 });
  const r = spawnSync(nodeBinary(), [MAIN, "run", "-s", s, "-p", p, "--explain", "-o", "json"], {
    cwd: dir,
    env: { PATH: "/usr/bin:/bin", SYSLOG_ENABLE: "0", REX_RUNNER_DISABLE_MONITORING: "1" },
    encoding: "utf8",
    timeout: 60_000,
    ...(root ? { uid: 65534, gid: 65534 } : {}),
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const trail = (o: Record<string, unknown>) =>
  (
    (o.sigrun_explain as { decisions: { decision: string; action: string; resource: string }[] }).decisions ??
    []
  ).map((d) => `${d.decision} ${d.action} ${d.resource}`);

test("load_system permitted by Cedar, refused by the OS: Rex's IoError after load, open D, open F", (t) => {
  if (!existsSync("/usr/sbin/sysctl")) return t.skip("no /usr/sbin/sysctl");
  const o = runUnprivileged(
    "SysctlManager().load_system();",
    `permit(principal, action == sysctl::Action::"load", resource);
permit(principal, action == file_system::Action::"open", resource in file_system::Dir::"/usr/sbin");`,
  );
  assert.equal(o.status, "ERROR");
  const err = o.error as { error_type: string; message: string };
  assert.equal(err.error_type, "SCRIPT_EXCEPTION", err.message);
  assert.match(
    err.message,
    /SysteminfoErrorKind: IoError: sysctl --system failed with exit code 1: Failed to set UID 0: EPERM: Operation not permitted/,
  );
  const seq = trail(o);
  assert.equal(seq.length, 3, seq.join("\n"));
  assert.match(seq[0] ?? "", /^allow sysctl::Action::"load" sysctl::Sysctl::"[0-9a-f-]{36}"$/);
  assert.deepEqual(seq.slice(1), [
    'allow file_system::Action::"open" file_system::Dir::"/usr/sbin"',
    'allow file_system::Action::"open" file_system::File::"/usr/sbin/sysctl"',
  ]);
});

test("load_system denied by Cedar: nothing is opened or run", () => {
  const o = runUnprivileged("SysctlManager().load_system();", "");
  assert.equal((o.error as { error_type: string }).error_type, "ACCESS_DENIED_EXCEPTION");
  const seq = trail(o);
  assert.equal(seq.length, 1);
  assert.match(seq[0] ?? "", /^deny sysctl::Action::"load" sysctl::Sysctl::/);
});

test("slab_info without read access to /proc/slabinfo: the OS's Permission denied (os error 13), kind Other", (t) => {
  if (!existsSync("/proc/slabinfo")) return t.skip("no /proc/slabinfo");
  const o = runUnprivileged(
    `let r = (); try { SystemInfo().slab_info(); } catch (e) { r = \`\${e.kind}|\${e.message}\`; } r`,
    `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"/proc");`,
  );
  assert.equal(o.status, "SUCCESS");
  assert.match(String(o.output), /^Other\|.*Permission denied \(os error 13\)/);
  assert.deepEqual(trail(o), [
    'allow file_system::Action::"open" file_system::Dir::"/proc"',
    'allow file_system::Action::"open" file_system::File::"/proc/slabinfo"',
  ]);
});
