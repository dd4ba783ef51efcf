import { type ErrorCode, isErrorCode } from "../core/index.js";
import { MAX_RESULT_CHARS, receiptErrorMessage } from "./receipt.js";
import type { JobStatus, RunOutcome } from "./types.js";

/** Maps Rex's error_type to a sigrun code when the runner gave none. */
const REX_TYPES: Record<string, ErrorCode> = {
  ACCESS_DENIED_EXCEPTION: "POLICY_DENIED",
  SCRIPT_EXCEPTION: "SCRIPT_ERROR",
  VALIDATION_EXCEPTION: "INPUT_INVALID",
  INTERNAL_EXCEPTION: "RUNNER_ERROR",
  COMMUNICATION_EXCEPTION: "RUNNER_ERROR",
};

export interface RunSummary {
  readonly status: JobStatus;
  readonly error: { code: ErrorCode; type: string | null; message?: string } | null;
  readonly result: { value: string; truncated: boolean } | null;
  readonly fullResult: string | null;
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
}

/** Turns a worker outcome into receipt fields plus the stdout/stderr bytes kept with the job. */
export function summarizeRun(outcome: RunOutcome): RunSummary {
  if (outcome.kind === "error") {
    return {
      status: "failed",
      error: { code: outcome.code, type: null, message: receiptErrorMessage(outcome.message) },
      result: null,
      fullResult: null,
      stdout: new Uint8Array(0),
      stderr: new Uint8Array(Buffer.from(`${outcome.code}: ${outcome.message}\n`)),
    };
  }
  const out = outcome.output;
  let stdoutText: string;
  try {
    stdoutText = `${JSON.stringify(out)}\n`;
  } catch {
    stdoutText = "";
  }
  const raw = out.output;
  const value = raw === undefined || raw === null ? "" : typeof raw === "string" ? raw : safeStringify(raw);
  const truncated = value.length > MAX_RESULT_CHARS;
  const result = { value: truncated ? value.slice(0, MAX_RESULT_CHARS) : value, truncated };
  if (out.status === "SUCCESS") {
    return {
      status: "succeeded",
      error: null,
      result,
      fullResult: value,
      stdout: utf8(stdoutText),
      stderr: new Uint8Array(0),
    };
  }
  const type = typeof out.error?.error_type === "string" ? out.error.error_type : null;
  const given = out.error?.code ?? out.sigrun_explain?.code;
  const code: ErrorCode = isErrorCode(given)
    ? given
    : ((type === null ? undefined : REX_TYPES[type]) ?? "RUNNER_ERROR");
  const message = typeof out.error?.message === "string" ? out.error.message : "";
  return {
    status: "failed",
    error: message ? { code, type, message: receiptErrorMessage(message) } : { code, type },
    result,
    fullResult: value,
    stdout: utf8(stdoutText),
    stderr: utf8(message ? `${message}\n` : ""),
  };
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return String(v);
  }
}

function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "utf8"));
}
