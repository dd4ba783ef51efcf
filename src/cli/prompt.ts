import { openSync } from "node:fs";
import { ReadStream } from "node:tty";
import { SigrunError } from "../core/index.js";

/**
 * The controlling terminal for reading, or undefined: only when stderr (where the question is shown) is
 * a terminal, so scripts and tests with redirected output are never asked.
 */
export function openTerminal(): ReadStream | undefined {
  if (!process.stderr.isTTY) return undefined;
  try {
    return new ReadStream(openSync("/dev/tty", "r"));
  } catch {
    return undefined;
  }
}

const MAX_SECRET = 1024;

/**
 * Reads a secret from the terminal with echo off (raw mode), like ssh-keygen and gpg: Enter ends it,
 * Backspace edits, Ctrl-C / Ctrl-D abort (INTERRUPTED). The prompt goes to stderr. Returns undefined
 * when there is no terminal.
 */
export async function promptSecret(question: string): Promise<string | undefined> {
  const tty = openTerminal();
  if (tty === undefined) return undefined;
  tty.setRawMode(true); // echo off before the question appears, so nothing typed is ever echoed
  process.stderr.write(question);
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = "";
      tty.on("data", (chunk: Buffer) => {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n") return resolve(value);
          if (ch === "\u0003" || ch === "\u0004")
            return reject(new SigrunError("INTERRUPTED", "passphrase entry cancelled"));
          if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
          else if (value.length < MAX_SECRET) value += ch;
        }
      });
      tty.on("error", (err) => reject(new SigrunError("IO_ERROR", "terminal: cannot read", { cause: err })));
    });
  } finally {
    process.stderr.write("\n");
    tty.setRawMode(false);
    tty.destroy();
  }
}

/** Runs `open(passphrase)`; when it needs a passphrase none was given for, asks on the terminal once. */
export async function withPassphrasePrompt<T>(
  given: string | undefined,
  what: string,
  open: (passphrase: string | undefined) => T | Promise<T>,
): Promise<T> {
  try {
    return await open(given);
  } catch (err) {
    if (given !== undefined || !(err instanceof SigrunError) || err.code !== "KEY_PASSPHRASE_REQUIRED")
      throw err;
    const asked = await promptSecret(`passphrase for ${what}: `);
    if (asked === undefined) throw err;
    return open(asked);
  }
}
