import { readFileSync } from "node:fs";

/** The version of the running sigrun (its package.json), read when asked; "unknown" if it cannot be read. */
export function sigrunVersion(): string {
  try {
    // dist/src/core/version.js sits three levels below the package root
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" && pkg.version.length <= 64 ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}
