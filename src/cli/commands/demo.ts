import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "run the main flow on embedded defaults in a temporary directory: keygen → bundle → sign → verify → tamper → rejected → run under Cedar → agent (inbox + HTTP) with signed receipts → sealed execution (host add, execute through a local store)",
    )
    .option("--keep", "keep the temporary directory and print its path")
    .option("--json", "print the steps as JSON")
    .action(async (o: { keep?: boolean; json?: boolean }) => {
      const { runDemo } = await import("../demo-flow.js");
      const steps = await runDemo({
        keep: o.keep === true,
        log: o.json ? () => {} : (line) => process.stdout.write(`${line}\n`),
      });
      if (o.json) process.stdout.write(`${JSON.stringify(steps, null, 2)}\n`);
      if (steps.some((s) => !s.asExpected)) process.exitCode = 1;
    });
}
