import { openSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { ReadStream } from "node:tty";

/** The y/N questions of `remote-sign` (the signer's terminal, or an answers file in tests). */
export const yes = (a: string) => a === "y" || a === "yes";
export const all = (a: string) => a === "a" || a === "all";

/** "9m58s" */
const left = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};

/**
 * While a question is open: the time left to answer (the initiator's deadline), repeated every minute
 * and at 60 and 10 seconds, on stderr. Returns the function that stops it.
 */
export function countdown(answerBy: Date | undefined): () => void {
  if (answerBy === undefined) return () => {};
  const at = answerBy.getTime();
  process.stderr.write(
    `(${left(at - Date.now())} to answer: the initiator gives up at ${answerBy.toISOString()})\n`,
  );
  const marks = new Set([60, 10]);
  const timer = setInterval(() => {
    const s = Math.round((at - Date.now()) / 1000);
    if (s <= 0) return;
    if (marks.has(s) || (s % 60 === 0 && s > 60))
      process.stderr.write(`  … ${left(s * 1000)} left to answer\n`);
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Asks y/N questions. `--approve-from FILE` (tests and scripted demos only) answers from a file, one
 * line per question, anything but y/yes (or a/all) is a no and a missing line is a no. Otherwise the terminal
 * (stdin when it is a TTY and not carrying the join string, else /dev/tty); without a terminal every
 * answer is no. Nothing is ever approved by default.
 */
export function questioner(answersFile: string | undefined, stdinFree: boolean) {
  if (answersFile !== undefined) {
    const lines = readFileSync(answersFile, "utf8").split(/\r?\n/);
    let i = 0;
    return {
      by: "answers-file",
      ask: async (q: string, _signal?: AbortSignal) => {
        const a = (lines[i++] ?? "").trim().toLowerCase();
        process.stderr.write(`${q} ${a || "(no answer)"}\n`);
        return a;
      },
    };
  }
  return {
    by: "human",
    ask: async (q: string, signal?: AbortSignal): Promise<string> => {
      let input: NodeJS.ReadableStream;
      let own: ReadStream | undefined;
      if (stdinFree && process.stdin.isTTY) input = process.stdin;
      else {
        try {
          own = new ReadStream(openSync("/dev/tty", "r"));
          input = own;
        } catch {
          process.stderr.write(`${q} no terminal to ask on: answering no\n`);
          return "";
        }
      }
      const rl = createInterface({ input, output: process.stderr, terminal: false });
      try {
        process.stderr.write(`${q} `);
        const answer: string = await new Promise((resolve) => {
          rl.once("line", resolve);
          rl.once("close", () => resolve(""));
          signal?.addEventListener("abort", () => resolve(""), { once: true });
        });
        return answer.trim().toLowerCase();
      } finally {
        rl.close();
        own?.destroy();
        if (input === process.stdin) process.stdin.pause();
      }
    },
  };
}
