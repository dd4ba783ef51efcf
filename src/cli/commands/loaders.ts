import type { Command } from "commander";
import type { PrestartedRexThread } from "../../runner/rex-thread.js";

/** What the CLI entry hands every verb besides the program: things started before the verb loaded. */
export interface CliContext {
  /** `sigrun run`'s script thread, started before the CLI loaded (cli/run-prestart.ts). */
  readonly rexThread?: PrestartedRexThread;
}

type Register = (program: Command, ctx?: CliContext) => void;

/**
 * Each top-level verb → a loader of the file that registers it. The CLI entry imports only the file of the
 * verb being run (start-up cost), and all of them for the top-level help. Kept in step with `COMMANDS` in
 * index.ts by a test.
 */
export const VERB_LOADERS: Readonly<Record<string, () => Promise<Register>>> = {
  agent: async () => (await import("./agent.js")).register,
  attest: async () => (await import("./attest.js")).register,
  audit: async () => (await import("./audit.js")).register,
  "build-key": async () => (await import("./build-key.js")).register,
  bundle: async () => (await import("./bundle.js")).register,
  completion: async () => (await import("./completion.js")).register,
  config: async () => (await import("./config.js")).register,
  countersign: async () => (await import("./countersign.js")).register,
  demo: async () => (await import("./demo.js")).register,
  execute: async () => (await import("./execute.js")).register,
  fleet: async () => (await import("./fleet.js")).register,
  host: async () => (await import("./host.js")).register,
  jobs: async () => (await import("./jobs.js")).register,
  key: async () => (await import("./key.js")).register,
  keygen: async () => (await import("./keygen.js")).register,
  receipt: async () => (await import("./receipt.js")).register,
  relay: async () => (await import("./relay.js")).register,
  "remote-sign": async () => (await import("./remote-sign.js")).register,
  rhai: async () => (await import("./rhai.js")).register,
  run: async () => (await import("./run.js")).register,
  seal: async () => (await import("./seal.js")).register,
  secret: async () => (await import("./secret.js")).register,
  sign: async () => (await import("./sign.js")).register,
  "sign-file": async () => (await import("./sign-file.js")).register,
  store: async () => (await import("./store.js")).register,
  submit: async () => (await import("./submit.js")).register,
  trust: async () => (await import("./trust.js")).register,
  unseal: async () => (await import("./unseal.js")).register,
  verify: async () => (await import("./verify.js")).register,
  "verify-file": async () => (await import("./verify-file.js")).register,
};
