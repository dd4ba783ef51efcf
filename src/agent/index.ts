export type { AgentOptions, JobResult } from "./agent.js";
export { Agent, DEFAULT_MAX_BUNDLE_BYTES } from "./agent.js";
export type { AgentConfig } from "./config.js";
export { defaultHttpListen, parseAgentConfig, sampleConfig } from "./config.js";
export type { ReceiptEnvelope } from "./dsse.js";
export { encodeReceiptEnvelope, parseReceiptEnvelope } from "./dsse.js";
export type { HostIdentity } from "./host-identity.js";
export { HOST_KEY_FILE, HOST_PUB_FILE, loadOrCreateHostKey } from "./host-identity.js";
export type { JobRow, JobRowStatus } from "./job-store.js";
export { JobStore, listJobs, MAX_LIST } from "./job-store.js";
export type { MigrateReport } from "./migrate-state.js";
export { migrateState } from "./migrate-state.js";
export { readCapped } from "./read-capped.js";
export type { ReceiptPredicate, ReceiptStatement, ReceiptSubject } from "./receipt.js";
export {
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  RECEIPT_PREDICATE_TYPE,
  readReceiptUnverified,
  signReceipt,
  verifyReceipt,
} from "./receipt.js";
export { AGENT_SCHEMA, openAgentState, openAgentStateReadOnly, STATE_DB } from "./state-db.js";
export { DEFAULT_UNIT_PATHS, systemdUnit } from "./systemd-unit.js";
export type { HttpOptions } from "./transports/http.js";
export { HttpTransport, httpStatusFor } from "./transports/http.js";
export type { InboxOptions } from "./transports/inbox.js";
export { InboxTransport } from "./transports/inbox.js";
export { runFromStream } from "./transports/stdin.js";
export type { Transport } from "./transports/transport.js";
export type { JobStatus, RexOutput, RunOutcome, RunRequest, Submission } from "./types.js";
export { WorkerPool } from "./worker-pool.js";
