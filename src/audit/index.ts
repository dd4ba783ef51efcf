export type { CheckpointData } from "./checkpoint.js";
export { checkpointMessage, signCheckpoint, verifyCheckpoint } from "./checkpoint.js";
export type { AuditData, AuditEntry } from "./entry.js";
export { AUDIT_VERSION, entryHash, GENESIS_HASH, parseEntry } from "./entry.js";
export type { AuditLogOptions } from "./log.js";
export { AuditLog } from "./log.js";
export type { AuditProblem, AuditVerifyOptions, AuditVerifyReport } from "./verify.js";
export { readAuditEntries, verifyAuditFile, verifyAuditText } from "./verify.js";
