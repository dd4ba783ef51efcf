// Public API of the audit module (docs/spec/audit-log.md §8). Writers:
//   const log = await AuditLog.open(path, { signer, host, checkpointEvery })   // own SQLite file
//   const log = await AuditLog.attach(db, { signer, host, checkpointEvery })   // a table in the caller's db
//   await log.append(type, data)                       // durable (fsync) when it resolves
//   await log.transaction((tx) => { …own SQL on tx.db…; tx.append(type, data) })  // one atomic commit
//   await log.close()                                  // final signed checkpoint
// Readers: verifyAudit(pathToDbOrJsonl, { hostPub, open, minSeq }), readAuditEntries(path), exportJsonl(path).
export type { CheckpointData, SignedCheckpoint } from "./checkpoint.js";
export {
  checkpointMessage,
  checkpointMessageV2,
  signCheckpoint,
  verifyCheckpoint,
} from "./checkpoint.js";
export type { OpenDbOptions, SchemaSteps } from "./db.js";
export { isSqliteFile, migrateSchema, openDatabase, schemaVersion } from "./db.js";
export type { AuditData, AuditEntry, AuditValue } from "./entry.js";
export { AUDIT_VERSION, encodeEntry, entryHash, GENESIS_HASH, parseEntry } from "./entry.js";
export type { ImportReport } from "./import.js";
export { importJsonl } from "./import.js";
export type { AuditLogOptions, AuditTx } from "./log.js";
export { AuditLog, DEFAULT_CHECKPOINT_EVERY, MAX_CHECKPOINT_EVERY, MAX_TX_ENTRIES } from "./log.js";
export type { AuditSource } from "./source.js";
export { exportJsonl, parseJsonl, readAuditSource } from "./source.js";
export type { AuditProblem, AuditVerifyOptions, AuditVerifyReport } from "./verify.js";
export { readAuditEntries, verifyAudit, verifyAuditFile, verifyAuditText, verifySource } from "./verify.js";
