// The modules on `sigrun verify`'s path (cli/io, base, config; bundle and keys modules it loads) import
// single core modules instead of this index, which loads all of them and their builtins (fs/promises,
// streams): whole-process verify time, bench/bundle.ts (issue 19).
export type { AtomicFile, AtomicFileOptions } from "./atomic-file.js";
export { openAtomicFile, writeFileAtomic } from "./atomic-file.js";
export {
  bytesEqual,
  concatBytes,
  fromBase64,
  fromBase64Url,
  fromHex,
  toBase64,
  toBase64Url,
  toHex,
  utf8Decode,
  utf8Encode,
} from "./bytes.js";
export { canonicalJson } from "./canonical-json.js";
export type { Clock } from "./clock.js";
export { fixedClock, systemClock } from "./clock.js";
export { randomBytes, secretsEqual, sha256, sha256Hasher, sha256Hex } from "./digest.js";
export type { DsseEnvelope, DsseParseOptions, DsseSignature } from "./dsse.js";
export { encodeEnvelope, envelopePayload, newEnvelope, pae, parseEnvelope } from "./dsse.js";
export { formatTime, parseDuration, parseTime } from "./duration.js";
export type { ErrorCode } from "./error-codes.js";
export { ERROR_CODES, isErrorCode } from "./error-codes.js";
export { isSigrunError, recode, SigrunError, wrapError } from "./errors.js";
export { fdWriter, stdoutSink } from "./fd-writer.js";
export { type ListenAddress, parseListenAddress } from "./listen.js";
export type { Progress, ProgressOptions } from "./progress.js";
export { createProgress, formatBytes, progressWanted, renderProgress } from "./progress.js";
export { readTokenFile } from "./token-file.js";
export { sigrunVersion } from "./version.js";
