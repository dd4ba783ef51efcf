import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SigrunError } from "../core/index.js";

/**
 * Writes `files` (relative, already validated bundle paths) as a new directory `dir`, all or nothing:
 * everything is written into a fresh temporary directory beside `dir` (created by us, so no symlink
 * planted in advance is followed; each file opened with O_EXCL), then renamed to `dir`. `dir` must not
 * exist or be an empty directory. On failure nothing is left behind.
 */
export function writeTree(dir: string, files: ReadonlyMap<string, Uint8Array>): void {
  let existing: string[] | undefined;
  try {
    existing = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      throw new SigrunError("IO_ERROR", `${dir}: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
  }
  if (existing !== undefined && existing.length > 0)
    throw new SigrunError("IO_ERROR", `${dir}: exists and is not empty; refusing to write into it`);
  let tmp: string;
  try {
    tmp = mkdtempSync(join(dirname(dir), `.${basename(dir)}.tmp-`));
  } catch (err) {
    throw new SigrunError("IO_ERROR", `${dir}: cannot create: ${(err as NodeJS.ErrnoException).code}`, {
      cause: err,
    });
  }
  try {
    for (const [path, data] of files) {
      if (path.startsWith("/") || path.split("/").some((p) => p === "" || p === "." || p === ".."))
        throw new SigrunError("BUNDLE_MALFORMED", `refusing to write ${JSON.stringify(path)}`);
      mkdirSync(dirname(join(tmp, path)), { recursive: true, mode: 0o755 });
      writeFileSync(join(tmp, path), data, { flag: "wx", mode: 0o644 });
    }
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof SigrunError) throw err;
    throw new SigrunError("IO_ERROR", `${dir}: ${(err as NodeJS.ErrnoException).code ?? "cannot write"}`, {
      cause: err,
    });
  }
}
