import type { RexLogEntry } from "./output.js";

export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR";
const ORDER: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** Rex's caps: 1000 entries (oldest dropped, a WARN notes it), 2048 characters a message. */
export const MAX_LOG_ENTRIES = 1000;
export const MAX_LOG_MESSAGE_CHARS = 2048;
const TRUNCATE_SUFFIX = "...[truncate]";

interface Entry {
  timestamp: string;
  level: LogLevel;
  message: string;
  line: number;
  api?: string;
}

/** chrono's `DateTime<Utc>` display: `2026-05-05 19:58:51.123456789 UTC`. */
export function chronoTimestamp(d: Date, subMs = 0): string {
  const iso = d.toISOString(); // 2026-05-05T19:58:51.123Z
  const nanos = `${iso.slice(20, 23)}${String(subMs).padStart(6, "0")}`;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${nanos} UTC`;
}

export function parseLogLevel(v: string | undefined): LogLevel {
  const u = (v ?? "INFO").toUpperCase();
  return u in ORDER ? (u as LogLevel) : "INFO";
}

/** The in-memory script log (Rex's ScriptLogHandle): level filter, bounded, messages capped. */
export class ScriptLog {
  private readonly entries: Entry[] = [];
  private truncated = false;
  private readonly min: number;

  constructor(level: LogLevel = "INFO") {
    this.min = ORDER[level];
  }

  add(level: LogLevel, message: string, line = 0, api?: string): void {
    if (ORDER[level] < this.min) return;
    let msg = message;
    if (msg.length > MAX_LOG_MESSAGE_CHARS)
      msg = msg.slice(0, MAX_LOG_MESSAGE_CHARS - TRUNCATE_SUFFIX.length) + TRUNCATE_SUFFIX;
    if (this.entries.length >= MAX_LOG_ENTRIES) {
      this.entries.shift();
      this.truncated = true;
    }
    const e: Entry = { timestamp: chronoTimestamp(new Date()), level, message: msg, line };
    if (api !== undefined) e.api = api;
    this.entries.push(e);
  }

  /** The `logs` array, with the capacity warning first when entries were dropped. */
  toOutput(): RexLogEntry[] {
    const out: RexLogEntry[] = [];
    if (this.truncated && this.entries.length > 0) {
      out.push({
        attributes: {
          timestamp: this.entries[0]!.timestamp,
          level: "WARN",
          message:
            "Warning: Log buffer capacity exceeded. Some earlier log entries were removed to fit new logs.",
          line_number: "0",
        },
      });
    }
    for (const e of this.entries) {
      const attributes: Record<string, string> = {
        timestamp: e.timestamp,
        level: e.level,
        message: e.message,
        line_number: String(e.line),
      };
      if (e.api !== undefined) attributes.rhai_api_name = e.api;
      out.push({ attributes });
    }
    return out;
  }
}
