export type { CedarModule, CompiledCedar } from "./cedar-module.js";
export { compileCedar, loadCedar } from "./cedar-module.js";
export type { PolicyEngine, PolicyEngineOptions } from "./engine.js";
export { createPolicyEngine, MAX_POLICIES, MAX_POLICY_BYTES, PreparedPolicies } from "./engine.js";
export {
  actionUid,
  dirEntities,
  FS_DIR,
  FS_FILE,
  fileEntities,
  parentPath,
  plainEntity,
  stripTrailingSlash,
  userUid,
} from "./entities.js";
export type { PolicyFindings, PolicyProblem } from "./findings.js";
export { policyFindings } from "./findings.js";
export { unrestrictedPermits } from "./permit-all.js";
export type { ActionReach } from "./reach.js";
export { actionReach, neverPermitted } from "./reach.js";
export { recordingAuthorizer, toRecord } from "./recorder.js";
export type { CedarSchema, SchemaSource } from "./schema.js";
export { loadRexSchema, rexSchema, rexSchemaJsonPath, rexSchemaPath, schemaFromText } from "./schema.js";
export type {
  Authorizer,
  AuthzDecision,
  AuthzRequest,
  CedarEntity,
  DecisionRecord,
  EntityUid,
} from "./types.js";
export { formatUid } from "./types.js";
