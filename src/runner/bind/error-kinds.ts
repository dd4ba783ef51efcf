import { V } from "../../script/index.js";
import type { Binder } from "./binder.js";

/**
 * The error-kind constant modules of Rex's other SDKs (`e.kind == ProcessErrorKind::DBusError`); kinds
 * are compared as strings, as for IoErrorKind. Each list is Rex's `define_error_kinds!` plus `Other`
 * (any error variant not listed is reported as `Other`).
 */
export const ERROR_KIND_MODULES: Record<string, readonly string[]> = {
  DiskinfoErrorKind: [
    "AuthorizationError",
    "InvalidPath",
    "SystemError",
    "PermissionDenied",
    "TryFromIntError",
    "IoError",
    "Other",
    "NixError",
  ],
  ProcessErrorKind: [
    "ProcessNotFound",
    "PidNamespaceOperationError",
    "NamespaceOperationError",
    "PermissionDenied",
    "AuthorizationError",
    "ValidationError",
    "CallbackExecutionError",
    "ProcessEnumerationError",
    "DBusError",
    "PrivilegeError",
    "ServiceNotFound",
    "Other",
  ],
  SysteminfoErrorKind: [
    "PermissionDenied",
    "AuthorizationError",
    "IoError",
    "InvalidParameter",
    "InvalidValue",
    "PrivilegeError",
    "CapsError",
    "ProcFsError",
    "Other",
  ],
  NetworkErrorKind: ["PermissionDenied", "AuthorizationError", "RequestError", "Other"],
  CommonUtilsErrorKind: ["ParseError", "InvalidArguments", "FormatError", "Other"],
};

export function bindMoreErrorKinds(b: Binder): void {
  for (const [name, kinds] of Object.entries(ERROR_KIND_MODULES)) {
    b.module(name, { constants: Object.fromEntries(kinds.map((k) => [k, V.str(k)])) });
  }
}
