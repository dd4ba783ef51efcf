/**
 * A byte-progress line on stderr (bytes, rate, ETA) for long transfers: seal/unseal, the store client,
 * execute. Shown only when wanted (`progressWanted`: stderr is a TTY, no --json, no --quiet, no
 * NO_COLOR) and only once the transfer passes `minBytes` (default 4 MiB).
 */
export interface ProgressOptions {
  readonly label: string;
  /** Total bytes when known (a file's size); the line then shows a bar, a percentage and an ETA. */
  readonly total?: number;
  readonly enabled: boolean;
  readonly minBytes?: number;
  /** Where to draw (default process.stderr). */
  readonly stream?: NodeJS.WritableStream & { columns?: number };
  /** Milliseconds clock (tests). */
  readonly now?: () => number;
}

export interface Progress {
  /** Reports the running byte count (not a delta). */
  update(bytes: number): void;
  /** Clears the line. Call on success and on failure. */
  done(): void;
}

/** True when a progress line should be drawn for a verb run with these flags. */
export function progressWanted(
  flags: { json?: boolean; quiet?: boolean },
  stream: { isTTY?: boolean } = process.stderr,
): boolean {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  return stream.isTTY === true && !flags.json && !flags.quiet && !noColor;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[i]}`;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Renders one progress line (exported for tests). */
export function renderProgress(
  label: string,
  bytes: number,
  total: number | undefined,
  elapsedMs: number,
): string {
  const rate = elapsedMs > 0 ? (bytes * 1000) / elapsedMs : 0;
  const speed = `${formatBytes(Math.round(rate))}/s`;
  if (total === undefined || total <= 0) return `${label} ${formatBytes(bytes)} ${speed}`;
  const frac = Math.min(1, bytes / total);
  const width = 20;
  const fill = Math.round(frac * width);
  const bar = `[${"#".repeat(fill)}${"-".repeat(width - fill)}]`;
  const eta = rate > 0 ? formatEta((total - bytes) / rate) : "--";
  return `${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${formatBytes(bytes)} / ${formatBytes(total)} ${speed} ETA ${eta}`;
}

export function createProgress(opts: ProgressOptions): Progress {
  if (!opts.enabled) return { update() {}, done() {} };
  const out = opts.stream ?? process.stderr;
  const now = opts.now ?? Date.now;
  const minBytes = opts.minBytes ?? 4 * 1024 * 1024;
  const start = now();
  let last = 0;
  let drawn = false;
  return {
    update(bytes: number): void {
      if (bytes < minBytes && (opts.total === undefined || opts.total < minBytes)) return;
      const t = now();
      if (drawn && t - last < 100) return;
      last = t;
      drawn = true;
      let line = renderProgress(opts.label, bytes, opts.total, t - start);
      const cols = out.columns;
      if (cols !== undefined && line.length >= cols) line = line.slice(0, cols - 1);
      out.write(`\r${line}\x1b[K`);
    },
    done(): void {
      if (drawn) out.write("\r\x1b[K");
      drawn = false;
    },
  };
}
