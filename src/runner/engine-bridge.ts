import type { EngineOutcome, EngineRunInput } from "./run-script.js";

/**
 * Binds the host API into the Rhai interpreter and runs one script. Waits for `src/script/index.ts`.
 */
export function runInEngine(_input: EngineRunInput): EngineOutcome {
  return {
    ok: false,
    phase: "compile",
    message: "the Rhai interpreter is not available in this build",
    code: "INTERNAL",
  };
}
