import { homedir } from "node:os";
import { join } from "node:path";
import type { AuditSink } from "../attest/index.js";
import type { Signer } from "../keys/index.js";

/**
 * The hash-chained audit log (SQLite, docs/spec/audit-log.md) a verb appends to: `--audit LOG`, else
 * $SIGRUN_AUDIT_LOG, else $XDG_STATE_HOME/sigrun/audit.db (~/.local/state/sigrun/audit.db).
 */
export function auditLogPath(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined) return option;
  if (env.SIGRUN_AUDIT_LOG) return env.SIGRUN_AUDIT_LOG;
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(state, "sigrun", "audit.db");
}

/**
 * Opens the log as an AuditSink (each append durable before it resolves); close it when done. With
 * `signer` the log's checkpoints are signed (the approver's key: its checkpoint messages are
 * domain-separated JSON, never confusable with the DSSE approvals it also signs).
 */
export async function openAuditSink(
  path: string,
  signer?: Signer,
): Promise<AuditSink & { close(): Promise<void>; path: string }> {
  const { AuditLog } = await import("../audit/index.js");
  const { shortKeyId } = await import("../keys/index.js");
  const log = await AuditLog.open(
    path,
    signer ? { signer, host: `approver ${shortKeyId(signer.publicKey.keyId)}` } : {},
  );
  return {
    path,
    append: (type, data) => log.append(type, data),
    close: () => log.close(),
  };
}
