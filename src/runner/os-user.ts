import { userInfo } from "node:os";

/** The OS user running sigrun (Rex's `whoami::username()`): the principal outside bundle mode. */
export function defaultUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? "unknown";
  }
}
