import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { SigrunError } from "../core/index.js";

/** `running`: a run started (marked before the run begins); `done`: a receipt exists; `interrupted`: was running at a crash. */
export type ReplayState = "running" | "done" | "interrupted";

interface Row {
  readonly id: string;
  readonly exp: number;
  readonly st: ReplayState;
}

const ID_RE = /^[0-9a-f]{32}$/;

/**
 * Bundle ids seen by this host, kept until the bundle's notAfter plus a margin, persisted as an
 * append-only JSON-lines file (fsync per change) and compacted at open. A bundle marked `running` when the
 * agent died comes back as `interrupted`: it is reported, never run again.
 */
export class ReplayStore {
  private readonly rows = new Map<string, Row>();
  private fd: number;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens the store; returns it and the ids that were running when the previous process stopped. */
  static open(path: string, now: number): { store: ReplayStore; interrupted: string[] } {
    const rows = new Map<string, Row>();
    if (existsSync(path)) {
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (line === "") continue;
        let r: Row;
        try {
          r = JSON.parse(line) as Row;
        } catch {
          continue; // a torn last line from a crash: the change it described did not complete
        }
        if (typeof r.id !== "string" || !ID_RE.test(r.id) || typeof r.exp !== "number") continue;
        rows.set(r.id, r);
      }
    }
    const interrupted: string[] = [];
    for (const [id, r] of rows) {
      if (r.st === "running") {
        rows.set(id, { ...r, st: "interrupted" });
        interrupted.push(id);
      }
      if (r.exp < now && r.st !== "running" && r.st !== "interrupted") rows.delete(id);
    }
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, [...rows.values()].map((r) => `${JSON.stringify(r)}\n`).join(""), { mode: 0o600 });
    const tfd = openSync(tmp, "r+");
    fsyncSync(tfd);
    closeSync(tfd);
    renameSync(tmp, path);
    const store = new ReplayStore(path, openSync(path, "a", 0o600));
    for (const [id, r] of rows) store.rows.set(id, r);
    return { store, interrupted };
  }

  get(id: string): ReplayState | undefined {
    return this.rows.get(id)?.st;
  }

  size(): number {
    return this.rows.size;
  }

  /**
   * Records a state; durably (fsync) before returning unless `sync` is false. `running` must always be
   * synced: it is what keeps a bundle from running twice after a crash.
   */
  set(id: string, st: ReplayState, exp: number, sync = true): void {
    if (!ID_RE.test(id))
      throw new SigrunError("INPUT_INVALID", `bundle id: expected 32 hex digits, got ${JSON.stringify(id)}`);
    const row: Row = { id, exp, st };
    this.rows.set(id, row);
    try {
      writeSync(this.fd, `${JSON.stringify(row)}\n`);
      if (sync) fsyncSync(this.fd);
    } catch (err) {
      throw new SigrunError("IO_ERROR", `replay store ${this.path}: ${(err as NodeJS.ErrnoException).code}`, {
        cause: err,
      });
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
