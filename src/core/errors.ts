import type { ErrorCode } from "./error-codes.js";

/**
 * The one error family of sigrun: a closed code plus a lower-case message that names the field and says
 * expected vs got. `cause` carries the underlying error. Never send `message` or `cause` across the
 * network: only `code` and a generic text (see `publicMessage`).
 */
export class SigrunError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: C, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SigrunError";
    this.code = code;
    this.details = options?.details;
  }

  /** A text safe to show to a remote peer: the code only. */
  publicMessage(): string {
    return `error ${this.code}`;
  }
}

export function isSigrunError(err: unknown, code?: ErrorCode): err is SigrunError {
  return err instanceof SigrunError && (code === undefined || err.code === code);
}

/** Wraps an unknown failure with the operation name, keeping a SigrunError's code. */
export function wrapError(operation: string, err: unknown, fallback: ErrorCode = "INTERNAL"): SigrunError {
  if (err instanceof SigrunError) {
    return new SigrunError(err.code, `${operation}: ${err.message}`, {
      cause: err,
      details: err.details as Record<string, unknown> | undefined,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SigrunError(fallback, `${operation}: ${message}`, { cause: err });
}

/**
 * Runs `f` (typically a core decoder, which throws INPUT_INVALID) and re-throws any SigrunError it raises
 * under the caller's code and message, so a format keeps its own error code while sharing one decoder.
 */
export function recode<T>(f: () => T, code: ErrorCode, message: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SigrunError) throw new SigrunError(code, message, { cause: e });
    throw e;
  }
}
