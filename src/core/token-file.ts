import { readFileSync } from "node:fs";
import { SigrunError } from "./errors.js";

/** Longest bearer token accepted from a file (the agent reads at most 512 printable characters). */
const MAX_TOKEN_CHARS = 512;

/**
 * Reads a bearer token file (one token, surrounding whitespace trimmed); undefined when no file is given.
 * Tokens live in files, never on argv.
 */
export function readTokenFile(file: string | undefined, flag = "--token-file"): string | undefined {
  if (file === undefined) return undefined;
  let t: string;
  try {
    t = readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new SigrunError(
      "IO_ERROR",
      `${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
  if (t === "" || t.length > MAX_TOKEN_CHARS || !/^[!-~]+$/.test(t))
    throw new SigrunError("INPUT_INVALID", `${flag} ${file}: expected one token of printable characters`);
  return t;
}
