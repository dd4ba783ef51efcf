/**
 * Host errors as scripts see them: a map `#{kind, message, source}` (Rex's `rust_safe_io_errors_to_dynamic`).
 * `message` is Rex's error text; `kind` one of the IoErrorKind names; `source` the kind's module.
 */
export const IO_ERROR_KINDS = [
  "InvalidPath",
  "InvalidArguments",
  "InvalidFileMode",
  "ValidationError",
  "DirectoryOpenError",
  "DirectoryError",
  "FileError",
  "DestinationFileNotEmptyError",
  "NotFound",
  "DirectoryNotEmpty",
  "PermissionDenied",
  "AuthorizationError",
  "IdentityResolutionError",
  "UnsupportedOperationError",
  "FileContentTooLargeError",
  "FileCopyError",
  "FileReadError",
  "EntryTypeMismatchError",
  "IoError",
  "TryFromIntError",
  "RustixError",
  "Utf8Error",
  "CallbackError",
  "ProcessNamespaceFatalError",
  "Other",
] as const;

export type IoErrorKind = (typeof IO_ERROR_KINDS)[number];

/** The error-kind modules of Rex's SDKs (`source` of the error map). */
export type ErrorSource =
  | "IoErrorKind"
  | "NetworkErrorKind"
  | "ProcessErrorKind"
  | "SysteminfoErrorKind"
  | "CommonUtilsErrorKind"
  | "DiskinfoErrorKind";

export class HostError extends Error {
  readonly kind: string;
  readonly source: ErrorSource;
  /** Rex's command-style system/network calls fail with a plain string, not a map. */
  readonly plain: boolean;
  constructor(kind: string, message: string, source: ErrorSource = "IoErrorKind", plain = false) {
    super(message);
    this.name = "HostError";
    this.kind = kind;
    this.source = source;
    this.plain = plain;
  }

  /** The map a script catches: `#{kind, message, source}`. */
  toMap(): { kind: string; message: string; source: string } {
    return { kind: this.kind, message: this.message, source: this.source };
  }
}

export function isHostError(err: unknown): err is HostError {
  return err instanceof HostError;
}

/** Rex's text for a Cedar deny (the runner classifies on the words "permission denied"). */
export function permissionDeniedMessage(user: string, action: string, type: string, id: string): string {
  return `Permission denied: ${user} unauthorized to perform ${action} for ${type}::${id}`;
}

const STRERROR: Record<string, [number, string]> = {
  EPERM: [1, "Operation not permitted"],
  ENOENT: [2, "No such file or directory"],
  EIO: [5, "Input/output error"],
  EBADF: [9, "Bad file descriptor"],
  EACCES: [13, "Permission denied"],
  EBUSY: [16, "Device or resource busy"],
  EEXIST: [17, "File exists"],
  EXDEV: [18, "Invalid cross-device link"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  EINVAL: [22, "Invalid argument"],
  EMFILE: [24, "Too many open files"],
  EFBIG: [27, "File too large"],
  ENOSPC: [28, "No space left on device"],
  EROFS: [30, "Read-only file system"],
  ENAMETOOLONG: [36, "File name too long"],
  ENOTEMPTY: [39, "Directory not empty"],
  ELOOP: [40, "Too many levels of symbolic links"],
};

/** Rust's `std::io::Error` display for an errno: `<strerror> (os error N)`. */
export function osErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known = e?.code ? STRERROR[e.code] : undefined;
  if (known) return `${known[1]} (os error ${known[0]})`;
  if (e?.code) return `${e.code} (os error ${Math.abs(e.errno ?? 0)})`;
  return String((err as Error)?.message ?? err);
}

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** A generic I/O failure (Rust's `#[error(transparent)] IoError`). Host errors pass through. */
export function ioError(err: unknown): HostError {
  if (err instanceof HostError) return err;
  return new HostError("IoError", osErrorText(err));
}
