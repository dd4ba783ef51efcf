import { SigrunError } from "../core/errors.js";

/** Gunzips in memory with a hard cap on the output size (gzip bombs stop at the cap). */
export function gunzipCapped(bytes: Uint8Array, maxOutput: number): Uint8Array {
  if (bytes.byteLength < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new SigrunError("BUNDLE_MALFORMED", "archive: not gzip data");
  }
  try {
    return new Uint8Array(
      // node:zlib loads on first use, not with this module (sigrun run's script thread starts faster)
      process.getBuiltinModule("node:zlib").gunzipSync(bytes, { maxOutputLength: maxOutput }),
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      throw new SigrunError("BUNDLE_MALFORMED", `archive: decompressed size exceeds ${maxOutput} bytes`, {
        cause: err,
      });
    }
    throw new SigrunError("BUNDLE_MALFORMED", "archive: corrupt gzip data", { cause: err });
  }
}
