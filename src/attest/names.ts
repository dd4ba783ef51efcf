import { SigrunError } from "../core/index.js";
import { BUILD_ID_RE, CAPS, TIME_RE } from "./formats.js";

/**
 * Subject names are plain file names: the name H writes `DIR/<name>.sig` under and L publishes. No path
 * separators, no `.`/`..`, no control, bidi or zero-width characters, no leading `-` or `~`.
 */
const UNSAFE_NAME = /[\u0000-\u001f\u007f-\u009f/\\\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

export function checkSubjectName(name: unknown, field = "subject name"): string {
  if (
    typeof name !== "string" ||
    name.length === 0 ||
    name.length > CAPS.maxName ||
    UNSAFE_NAME.test(name) ||
    name === "." ||
    name === ".." ||
    name.startsWith("-") ||
    name.startsWith("~") ||
    name.normalize("NFC") !== name
  )
    throw new SigrunError(
      "ATTESTATION_INVALID",
      `${field}: expected a plain file name, got ${JSON.stringify(String(name).slice(0, 60))}`,
    );
  return name;
}

export function checkBuildId(id: unknown, field = "build id"): string {
  if (typeof id !== "string" || !BUILD_ID_RE.test(id))
    throw new SigrunError(
      "INPUT_INVALID",
      `${field}: expected 1-128 of A-Z a-z 0-9 . _ - (starting alphanumeric), got ${JSON.stringify(String(id).slice(0, 60))}`,
    );
  return id;
}

export function checkTime(t: unknown, field: string): Date {
  if (
    typeof t !== "string" ||
    !TIME_RE.test(t) ||
    Number.isNaN(Date.parse(t)) ||
    new Date(t).toISOString() !== t
  )
    throw new SigrunError("ATTESTATION_INVALID", `${field}: expected an RFC 3339 UTC time with milliseconds`);
  return new Date(t);
}
