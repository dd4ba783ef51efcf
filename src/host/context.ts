import type { Authorizer, AuthzRequest, CedarEntity, EntityUid } from "../policy/index.js";
import { actionUid, userUid } from "../policy/index.js";
import { HostError, permissionDeniedMessage } from "./errors.js";

/** A log line produced by a host function (ends up in the runner's `logs` with `rhai_api_name`). */
export type HostLog = (level: "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR", message: string) => void;

/** Everything a host function needs: who the principal is and how to ask Cedar. */
export interface HostContext {
  /** OS user name: the principal `User::"<user>"`. */
  readonly user: string;
  /** Answers Cedar requests; failures must come back as deny with `error` set. */
  readonly authorize: Authorizer;
  /** Optional sink for SDK-internal log lines. */
  readonly log?: HostLog;
  /** Open descriptors of handles given to the script; closed by the runner at the end. */
  readonly fds?: Set<number>;
  /** Whether `/proc/self/fd` works here (checked once per run by the runner; probed when absent). */
  readonly procFd?: boolean;
  /**
   * When the run's wall clock ends (`Date.now()` milliseconds; absent: no limit). A host call that waits
   * synchronously (a child process, an HTTP request, a connect) waits at most until then (hostTimeout):
   * nothing can interrupt it while it waits, not even the script thread's termination.
   */
  readonly deadline?: number;
}

/**
 * `ms`, cut to what is left of the run's wall clock: a wait cut off ends just past the deadline (+1 ms),
 * so the interpreter, checking after the host call, sees the deadline passed.
 */
export function hostTimeout(ctx: HostContext, ms: number): number {
  if (ctx.deadline === undefined) return ms;
  return Math.max(1, Math.min(ms, Math.ceil(ctx.deadline - Date.now()) + 1));
}

export interface CheckOptions {
  context?: Record<string, unknown>;
  /** Extra entities referenced from the context (execute's Arguments/Environment). */
  extraEntities?: CedarEntity[];
  /** Error source module for the thrown error (default IoErrorKind). */
  source?: HostError["source"];
  /** Kind names for deny / engine failure (defaults PermissionDenied / AuthorizationError). */
  deniedKind?: string;
  failedKind?: string;
  /** Resource id as printed in the deny message (Rex prints the whole uid for sysinfo). */
  messageId?: string;
  /** Fail with a plain string error (Rex's command-style system and network calls). */
  plain?: boolean;
}

/**
 * One Cedar request, Rex style: principal `User::"<user>"`, action `<ns>::Action::"<verb>"`, the resource
 * with its entity chain. Throws Rex's PermissionDenied on deny and AuthorizationError ("Authorization
 * check failed") when the engine could not evaluate the request.
 */
export function check(
  ctx: HostContext,
  namespace: string,
  verb: string,
  resource: EntityUid,
  entities: CedarEntity[],
  opts: CheckOptions = {},
): void {
  const request: AuthzRequest = {
    principal: userUid(ctx.user),
    action: actionUid(namespace, verb),
    resource,
    context: opts.context ?? {},
    entities: opts.extraEntities ? [...entities, ...opts.extraEntities] : entities,
  };
  const decision = ctx.authorize(request);
  if (decision.allowed && decision.error === undefined) return;
  const action = `${namespace}::Action::${JSON.stringify(verb)}`;
  if (decision.error !== undefined) {
    throw new HostError(
      opts.failedKind ?? "AuthorizationError",
      "Authorization check failed",
      opts.source,
      opts.plain === true,
    );
  }
  throw new HostError(
    opts.deniedKind ?? "PermissionDenied",
    permissionDeniedMessage(ctx.user, action, resource.type, opts.messageId ?? resource.id),
    opts.source,
    opts.plain === true,
  );
}
