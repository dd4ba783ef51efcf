// Runs `extract_archive` on a crafted .tar.gz through the runner (the real binding and tar reader).
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runRex } from "../../src/runner/index.js";
import { rawTar, rawTarEntry } from "./bundle-fixtures.js";

export { rawTar, rawTarEntry };

export interface ExtractOutcome {
  status: string;
  message: string;
  /** Everything under `<d>/out` and `<d>/outside` afterwards (relative paths, sorted). */
  out: string[];
  outside: string[];
}

function list(root: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    out.push(p);
    if (e.isDirectory()) out.push(...list(root, p));
  }
  return out.sort();
}

/**
 * `<d>/in/a.tgz` (the gzip of `tar`, or `gz` as given) extracted into `<d>/out` under a policy that
 * permits everything in `<d>`; `prepare` may plant things (e.g. a symlink) in `<d>/out` first.
 * `<d>/outside` is where an escape would land.
 */
export async function extractHostile(
  archive: { tar?: Uint8Array; gz?: Uint8Array },
  prepare?: (d: string) => void,
  inspect?: (d: string) => void,
): Promise<ExtractOutcome> {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-extract-")));
  try {
    for (const s of ["in", "out", "outside"]) mkdirSync(join(d, s));
    writeFileSync(join(d, "in/a.tgz"), archive.gz ?? gzipSync(archive.tar ?? new Uint8Array(1024)));
    prepare?.(d);
    const open = (p: string) => `DirConfig().path("${d}/${p}").build().open(OpenDirOptions().build())`;
    const r = await runRex({
      script: `${open("in")}.open_file("a.tgz", OpenFileOptions().read(true).build()).extract_archive(${open("out")}, ExtractArchiveOptions().build()); "done"`,
      policy: `permit(principal, action, resource in file_system::Dir::"${d}");`,
      monitoring: false,
    });
    inspect?.(d);
    return {
      status: r.output.status,
      message: r.output.error?.message ?? r.output.output,
      out: list(join(d, "out")),
      outside: list(join(d, "outside")),
    };
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}
