import type { Command } from "commander";

export const DEMO_SCRIPT = `// A Rhai script: the owner signs it, the agent runs it only if it verifies.
let files = ["a.txt", "b.txt"];
let report = #{ host: "demo", checked: files.len() };
report
`;

export const DEMO_POLICY = `// Cedar: this bundle may only read under /var/tmp/demo.
permit (
  principal,
  action == file_system::Action::"read",
  resource
) when { resource.path like "/var/tmp/demo/*" };
`;

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "run the main flow on embedded defaults in a temporary directory: keygen → bundle → sign → verify → tamper → rejected",
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
