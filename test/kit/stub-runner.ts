// A stand-in for the runner used by agent tests only: the "script" is JSON naming what to do, so tests can
// make a run succeed, fail, crash, loop or exhaust memory without depending on the interpreter.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

interface StubScript {
  readonly op: "echo" | "fail" | "throw" | "loop" | "oom" | "exit" | "write" | "sleep";
  readonly value?: string;
  readonly ms?: number;
}

/** The runner module's `runBundle` (src/runner/run-bundle.ts), as the agent's workers call it. */
export async function runBundle(
  inv: { script: string },
  opts: { cwd: string },
): Promise<{ output: unknown }> {
  return { output: await stubRun(inv.script, opts.cwd) };
}

async function stubRun(script: string, cwd: string): Promise<unknown> {
  const s = JSON.parse(script) as StubScript;
  switch (s.op) {
    case "echo":
      return { output: s.value ?? "", status: "SUCCESS", alarms: [], metrics: [], logs: [] };
    case "fail":
      return {
        output: "",
        status: "ERROR",
        error: { error_type: "SCRIPT_EXCEPTION", message: s.value ?? "failed" },
      };
    case "throw":
      throw new Error(s.value ?? "boom");
    case "loop":
      for (;;) {
        // spins until the wall clock limit terminates the worker
      }
    case "oom": {
      const keep: number[][] = [];
      for (;;) keep.push(new Array(1e6).fill(1));
    }
    case "exit":
      process.exit(3);
      break;
    case "write":
      writeFileSync(join(cwd, "out.txt"), s.value ?? "");
      return { output: "written", status: "SUCCESS" };
    case "sleep":
      await new Promise((r) => setTimeout(r, s.ms ?? 100));
      return { output: "slept", status: "SUCCESS" };
  }
  throw new Error("unknown op");
}
