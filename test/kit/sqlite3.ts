// The real `sqlite3` CLI (Debian package sqlite3) for tests that tamper with a database file as an attacker
// with write access to the state dir would. Missing under CI is a failure, elsewhere a skip.
import { spawnSync } from "node:child_process";

const absent = spawnSync("sqlite3", ["-version"]).error !== undefined;
if (absent && process.env.CI) throw new Error("sqlite3 is not installed (required under CI)");

/** A `skip` reason for node:test when the CLI is absent. */
export const sqlite3Missing: string | undefined = absent ? "sqlite3 not installed" : undefined;

/** Runs SQL on a database file with the sqlite3 CLI; throws with its stderr on failure. */
export function sqlite3(db: string, sql: string): string {
  const r = spawnSync("sqlite3", ["-bail", db], { input: sql, encoding: "utf8" });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`sqlite3 ${db}: ${r.stderr}`);
  return r.stdout;
}
