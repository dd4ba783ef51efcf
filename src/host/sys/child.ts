import { HostError } from "../errors.js";

/**
 * Runs a small Node program synchronously in a child process and returns its JSON answer. Used for the
 * few host calls that Node only offers asynchronously (DNS, HTTP), because host functions are synchronous.
 */
export function childJson(program: string, input: unknown, timeoutMs: number, maxBytes: number): unknown {
  // node:child_process loads on first use, not with this module (sigrun run's script thread starts faster)
  const r = process.getBuiltinModule("node:child_process").spawnSync(process.execPath, ["-e", program], {
    input: JSON.stringify(input),
    timeout: timeoutMs,
    maxBuffer: maxBytes + 64 * 1024,
    env: {},
    encoding: "utf8",
  });
  if (r.error) throw new HostError("Other", `child failed: ${r.error.message}`, "CommonUtilsErrorKind", true);
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new HostError("Other", `child failed: ${r.stderr.slice(0, 200)}`, "CommonUtilsErrorKind", true);
  }
}
