import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import { claimStdin, readInput, trustPaths } from "../io.js";
import type { CliContext } from "./loaders.js";

interface RunFlags {
  scriptFile?: string;
  policyFile?: string;
  scriptArgumentsFile?: string;
  outputFormat: string;
  verbose?: boolean;
  strictPolicy?: boolean;
  explain?: boolean;
  trust: string[];
  opensslSig?: string;
  host?: string;
  anyHost?: boolean;
  group: string[];
  maxOperations?: string;
  maxWallMs?: string;
  maxHostCalls?: string;
  maxCallLevels?: string;
  maxStringSize?: string;
  maxArraySize?: string;
  maxMapSize?: string;
  maxOutputBytes?: string;
  maxMemoryMb?: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads a file (`-`: stdin) as UTF-8 (invalid UTF-8 is an unreadable input, as for Rex). */
function readText(path: string): string {
  const bytes = readFileSync(path === "-" ? 0 : path);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw Object.assign(new Error(`${path}: stream did not contain valid UTF-8`), { path, code: "EILSEQ" });
  }
}
const FORMATS = new Set(["json", "pretty-json", "human"]);

export function register(program: Command, ctx: CliContext = {}): void {
  program
    .command("run [bundle]")
    .description(
      "run a Rhai script under a Cedar policy, every host call authorized first (drop-in for Rex's rex-runner: " +
        "same flags, output object and exit codes: 0 = the runner worked, read `status`; 1 = unreadable input, " +
        "bad policy or arguments; 2 = usage). With a bundle (.sgb, or tar.gz + --openssl-sig), verify it first " +
        "against --trust and run its script under its policy",
    )
    .option("-s, --script-file <file>", "Rhai script (`-`: stdin)")
    .option("-p, --policy-file <file>", "Cedar policy (`-`: stdin)")
    .option(
      "-a, --script-arguments-file <file>",
      'script arguments: Rex tagged JSON ({"x": {"stringValue": "…"}})',
    )
    .option(
      "-o, --output-format <format>",
      "json | pretty-json | human (the short -o only in Rex mode, -s/-p: everywhere else -o is an output path)",
      "json",
    )
    .option("-v, --verbose", "human format: logs before, metrics after")
    .option("--strict-policy", "policy errors against the schema fail the run (default: warnings)")
    .option("--explain", "add `sigrun_explain`: every Cedar decision, policy warnings, error codes")
    .option("--trust <dir|file>", "bundle mode: trusted signer keys (repeatable)", collect, [])
    .option("--openssl-sig <file>", "bundle mode: the tar.gz is signed with `openssl dgst -sha256 -sign`")
    .option(
      "--host <name>",
      "bundle mode: this host's id, checked against the bundle's targets (default: the short hostname, as the agent)",
    )
    .option("--any-host", "bundle mode: skip the target check (run a bundle meant for another host)")
    .option("--group <name>", "bundle mode: a group of this host (repeatable)", collect, [])
    .option("--max-operations <n>", "interpreter operations per run")
    .option("--max-wall-ms <n>", "wall-clock limit in milliseconds")
    .option("--max-host-calls <n>", "host function calls per run")
    .option("--max-call-levels <n>", "function call depth")
    .option("--max-string-size <n>", "string size in bytes")
    .option("--max-array-size <n>", "array length")
    .option("--max-map-size <n>", "map size")
    .option("--max-output-bytes <n>", "size of the script's final value")
    .hook("preAction", (_root, cmd) => shortOnlyInRexMode(cmd))
    .option(
      "--max-memory-mb <n>",
      "heap of the script's thread in MiB (default 512; with a bundle 256, as the agent); past it: a limit error",
    )
    .action(async (bundle: string | undefined, o: RunFlags) => {
      const { SigrunError } = await import("../../core/index.js");
      // only what the main thread needs: the script runs in a worker that loads the runner itself
      const { runBundleIsolated, runRexIsolated } = await import("../../runner/run-isolated.js");
      const { renderOutput } = await import("../../runner/output.js");
      if (!FORMATS.has(o.outputFormat)) {
        throw new SigrunError(
          "USAGE",
          `--output-format: expected json, pretty-json or human, got ${o.outputFormat}`,
        );
      }
      if (bundle === undefined && (o.scriptFile === undefined || o.policyFile === undefined)) {
        throw new SigrunError("USAGE", "expected --script-file and --policy-file (or a bundle)");
      }
      if (bundle !== undefined && (o.scriptFile !== undefined || o.policyFile !== undefined)) {
        throw new SigrunError("USAGE", "give either a bundle or --script-file/--policy-file, not both");
      }
      // Limit flags: Rex mode, the interpreter's limits as given (0 = unlimited); bundle mode, the
      // machine's ceilings over the manifest's limits (effectiveLimits, docs/spec/runner.md §10).
      const flags: [string | undefined, string, string][] = [
        [o.maxOperations, "--max-operations", "maxOperations"],
        [o.maxWallMs, "--max-wall-ms", "maxWallMs"],
        [o.maxHostCalls, "--max-host-calls", "maxHostCalls"],
        [o.maxCallLevels, "--max-call-levels", "maxCallLevels"],
        [o.maxStringSize, "--max-string-size", "maxStringSize"],
        [o.maxArraySize, "--max-array-size", "maxArraySize"],
        [o.maxMapSize, "--max-map-size", "maxMapSize"],
        [o.maxOutputBytes, "--max-output-bytes", "maxOutputBytes"],
      ];
      const limits: Record<string, number> = {};
      for (const [v, flag, key] of flags) {
        if (v === undefined) continue;
        if (!/^\d{1,15}$/.test(v))
          throw new SigrunError("USAGE", `${flag}: expected a non-negative integer, got ${v}`);
        if (bundle !== undefined && Number(v) === 0)
          throw new SigrunError(
            "USAGE",
            `${flag}: with a bundle a limit flag is a ceiling: expected a positive integer (0 would mean unlimited)`,
          );
        limits[key] = Number(v);
      }
      let memoryMb: number | undefined;
      if (o.maxMemoryMb !== undefined) {
        if (!/^\d{1,6}$/.test(o.maxMemoryMb) || Number(o.maxMemoryMb) < 16)
          throw new SigrunError("USAGE", `--max-memory-mb: expected an integer >= 16, got ${o.maxMemoryMb}`);
        memoryMb = Number(o.maxMemoryMb);
      }

      let args: string | undefined;
      const communication = (message: string): void => {
        // Rex: unreadable inputs print compact JSON and exit 1, whatever the output format.
        process.stdout.write(
          JSON.stringify({
            output: "",
            status: "ERROR",
            error: {
              error_type: "COMMUNICATION_EXCEPTION",
              message: `Failed to load input files: ${message}`,
            },
          }),
        );
        process.exitCode = 1;
      };
      let result: Awaited<ReturnType<typeof runRexIsolated>>;
      if (bundle !== undefined) {
        ctx.rexThread?.discard();
        // Nothing runs unless the bundle verifies; verification errors keep their own exit codes.
        const { loadTrustStore, localHostId, verifySubmission } = await import("../../bundle/index.js");
        if (o.anyHost && o.host !== undefined)
          throw new SigrunError("USAGE", "give either --host or --any-host, not both");
        const trust = loadTrustStore(trustPaths(o.trust, "run with a bundle"));
        const bytes = readInput(bundle, "bundle");
        const sig = o.opensslSig === undefined ? undefined : readInput(o.opensslSig, "signature");
        const host = o.anyHost ? undefined : (o.host ?? localHostId());
        const v = verifySubmission(bytes, sig, { trust, host, groups: o.group });
        // the same script, policy, principal and limits as the agent (docs/spec/runner.md §9–10)
        // (bundle-invocation.js, not the runner's index: the main thread does not load the interpreter)
        const { bundleInvocation } = await import("../../runner/bundle-invocation.js");
        const { maxWallMs, ...rest } = limits;
        const inv = bundleInvocation(v, {
          ceilings: { ...rest, wallClockMs: maxWallMs, memoryMb },
        });
        if (o.scriptArgumentsFile !== undefined) {
          try {
            args = readText(o.scriptArgumentsFile);
          } catch (err) {
            communication(
              `${o.scriptArgumentsFile}: ${(err as NodeJS.ErrnoException).code ?? "cannot read"}`,
            );
            return;
          }
        }
        result = await runBundleIsolated(inv, {
          args,
          strictPolicy: o.strictPolicy === true,
          explain: o.explain === true,
        });
      } else {
        let script: string;
        let policy: string;
        for (const [path, what] of [
          [o.scriptFile, "--script-file"],
          [o.policyFile, "--policy-file"],
          [o.scriptArgumentsFile, "--script-arguments-file"],
        ] as const)
          if (path === "-") claimStdin(what);
        try {
          script = readText(o.scriptFile!);
          policy = readText(o.policyFile!);
          if (o.scriptArgumentsFile !== undefined) args = readText(o.scriptArgumentsFile);
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          communication(`${e.path ?? ""}: ${e.code ?? "cannot read"}`);
          return;
        }
        result = await runRexIsolated({
          memoryMb,
          thread: ctx.rexThread,
          script,
          policy,
          args,
          limits,
          strictPolicy: o.strictPolicy === true,
          explain: o.explain === true,
        });
      }
      // Rex's early exits print compact JSON whatever the format.
      const format = result.exitCode === 1 ? "json" : (o.outputFormat as "json" | "pretty-json" | "human");
      const { stdout, stderr } = renderOutput(result.output, format, o.verbose === true);
      if (stdout) process.stdout.write(stdout);
      if (stderr) process.stderr.write(stderr);
      process.exitCode = result.exitCode;
    });
}

/** `-o` means an output path in every other verb; `run` keeps it for the format only in Rex mode. */
function shortOnlyInRexMode(cmd: Command): void {
  const raw = (cmd.parent as { rawArgs?: string[] } | null)?.rawArgs ?? [];
  if (cmd.args.length > 0 && raw.some((a) => a === "-o" || /^-o[^-]/.test(a)))
    throw new SigrunError(
      "USAGE",
      "run with a bundle: -o is not the output format here; use --output-format",
    );
}
