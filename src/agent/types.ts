import type { ErrorCode } from "../core/index.js";
import type { BundleInvocation } from "../runner/index.js";

/** What a transport hands to the pipeline: the raw bytes (already capped) and where they came from. */
export interface Submission {
  readonly bytes: Uint8Array;
  /** Detached signature of the classic openssl form (tar.gz + `openssl dgst -sha256 -sign`). */
  readonly sig?: Uint8Array;
  /** `inbox`, `http`, `stdin`, `nats`, `redis`, … */
  readonly transport: string;
  /** Set when the transport stopped reading at the size cap: the job is rejected with TOO_LARGE. */
  readonly tooLarge?: boolean;
  /** Milliseconds since the epoch when the transport received it (default: now). */
  readonly queuedAt?: number;
  /** Job id chosen by the transport (e.g. for HTTP async replies); random when omitted. */
  readonly jobId?: string;
}

/** `succeeded`: ran, script status SUCCESS. `failed`: ran (or started) and failed. `rejected`: never ran. */
export type JobStatus = "succeeded" | "failed" | "rejected" | "interrupted";

/** Rex's output object (rex-runner's JSON on stdout), as the runner returns it. */
export interface RexOutput {
  readonly output: unknown;
  readonly status: "SUCCESS" | "ERROR" | string;
  readonly error?: { readonly error_type?: string; readonly message?: string; readonly code?: string } | null;
  readonly alarms?: readonly unknown[];
  readonly metrics?: readonly unknown[];
  readonly logs?: readonly unknown[];
  /** sigrun's additions (decision trail, the sigrun error code). */
  readonly sigrun_explain?: { readonly code?: string } & Record<string, unknown>;
}

/** One run handed to a worker: a prepared bundle (`bundleInvocation`: script, policy, principal, limits). */
export interface RunRequest {
  readonly invocation: BundleInvocation;
  readonly cwd: string;
  /** Script arguments in Rex's tagged JSON (sealed jobs pass inputs_dir and outputs_dir). */
  readonly args?: Record<string, unknown>;
}

/** What a worker run produced: the runner's output, or why the worker died. */
export type RunOutcome =
  | { readonly kind: "ok"; readonly output: RexOutput }
  | { readonly kind: "error"; readonly code: ErrorCode; readonly message: string };

export type RunFunction = (req: RunRequest) => Promise<RunOutcome>;
