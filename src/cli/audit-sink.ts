import { homedir } from "node:os";
import { join } from "node:path";
import type { AuditSink } from "../attest/index.js";

/**
 * The hash-chained audit log a verb appends to: `--audit LOG`, else $SIGRUN_AUDIT_LOG, else
 * $XDG_STATE_HOME/sigrun/audit.log (~/.local/state/sigrun/audit.log).
 */
export function auditLogPath(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined) return option;
  if (env.SIGRUN_AUDIT_LOG) return env.SIGRUN_AUDIT_LOG;
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(state, "sigrun", "audit.log");
}

/** Opens the log as an AuditSink (each append durable before it resolves); close it when done. */
export async function openAuditSink(
  path: string,
): Promise<AuditSink & { close(): Promise<void>; path: string }> {
  const { AuditLog } = await import("../audit/index.js");
  const log = await AuditLog.open(path);
  return {
    path,
    append: (type, data) => log.append(type, data),
    close: () => log.close(),
  };
}
