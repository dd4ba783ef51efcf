/**
 * Where approval records and countersign decisions go: a hash-chained audit log (src/audit). Narrow on
 * purpose so the library does not depend on how the log is stored. Contract: resolves once the record
 * is durable; rejects (SigrunError IO_ERROR / AUDIT_CORRUPT) otherwise — the caller then releases nothing.
 */
export type AuditValue = string | number | boolean | null | string[];

export interface AuditSink {
  append(type: string, data: Record<string, AuditValue>): Promise<unknown>;
}
