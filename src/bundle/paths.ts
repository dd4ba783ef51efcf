import { SigrunError } from "../core/errors.js";

/** Names reserved for the bundle's own metadata entries. */
export const MANIFEST_NAME = "manifest.json";
export const SIGNATURES_NAME = "signatures.dsse.json";

const COMPONENT_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
export const MAX_PATH_BYTES = 100;

/**
 * A bundle file path: relative, `/`-separated, each component `[A-Za-z0-9_][A-Za-z0-9._-]*` (so no
 * `.`/`..`, no leading dot, no empty component, no backslash, no absolute path), at most 100 bytes so it
 * fits a ustar name field without a prefix. Returns the reason it is invalid, or undefined.
 */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return "empty name";
  if (path.length > MAX_PATH_BYTES) return `name longer than ${MAX_PATH_BYTES} bytes`;
  if (path.startsWith("/")) return "absolute name";
  for (const part of path.split("/")) {
    if (part === "..") return "parent-directory component";
    if (!COMPONENT_RE.test(part)) return `bad component ${JSON.stringify(part)}`;
  }
  return undefined;
}

export function assertBundlePath(path: string, field = "path"): void {
  const problem = pathProblem(path);
  if (problem) throw new SigrunError("BUNDLE_MALFORMED", `${field}: ${problem}: ${JSON.stringify(path)}`);
  if (path === MANIFEST_NAME || path === SIGNATURES_NAME) {
    throw new SigrunError("BUNDLE_MALFORMED", `${field}: ${path} is a reserved name`);
  }
}
