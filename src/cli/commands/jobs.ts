import type { Command } from "commander";
import { checkUrl, outputDir, printJson, writeOutput } from "../io.js";

interface SourceFlags {
  to?: string;
  state?: string;
  tokenFile?: string;
  ca?: string;
  cert?: string;
  key?: string;
  json?: boolean;
}

function sourceOptions(c: Command): Command {
  return c
    .option("--to <url>", "the agent's HTTP(S) API base URL")
    .option("--state <dir>", "the agent's state dir, read-only (works while the agent runs)")
    .option("--token-file <file>", "--to: bearer token of the read (or submit) role")
    .option("--ca <file>", "--to https: CA certificate(s) to trust (PEM)")
    .option("--cert <file>", "--to https: client certificate (PEM)")
    .option("--key <file>", "--to https: client certificate key (PEM file)");
}

async function open(o: SourceFlags) {
  const { SigrunError } = await import("../../core/index.js");
  const { localJobs, readTokenFile, remoteJobs } = await import("../../agent/client/jobs-client.js");
  if ((o.to === undefined) === (o.state === undefined))
    throw new SigrunError("USAGE", "jobs: give exactly one of --to URL or --state DIR");
  if (o.to !== undefined) {
    checkUrl(o.to, "--to", ["http", "https"]);
    return remoteJobs({ to: o.to, token: readTokenFile(o.tokenFile), ca: o.ca, cert: o.cert, key: o.key });
  }
  return localJobs(o.state!);
}

export function register(program: Command): void {
  const jobs = program
    .command("jobs")
    .description(
      "see what an agent ran: list jobs, show one, print its stdout/stderr, fetch its outputs, metrics",
    );

  sourceOptions(
    jobs
      .command("list")
      .description("jobs, newest first (paged: --cursor takes the `next` of the previous page)")
      .option("--status <s>", "running | succeeded | failed | rejected | interrupted")
      .option("--since <time>", "queued at or after (RFC 3339 or ms since the epoch)")
      .option("--limit <n>", "jobs per page (1..1000, default 100)")
      .option("--cursor <c>", "the `next` cursor of the previous page")
      .option("--json", "print {jobs, next} as JSON"),
  ).action(async (o: SourceFlags & { status?: string; since?: string; limit?: string; cursor?: string }) => {
    const src = await open(o);
    try {
      const page = await src.list({ status: o.status, since: o.since, limit: o.limit, cursor: o.cursor });
      if (o.json) return printJson(page);
      for (const j of page.jobs) {
        const d = j.durationMs === null ? "-" : `${j.durationMs}ms`;
        process.stdout.write(
          `${j.id}  ${String(j.status).padEnd(11)} ${String(j.error ?? "-").padEnd(18)} ${j.queued}  ${d}  ${j.transport}\n`,
        );
      }
      if (page.next) process.stdout.write(`more: --cursor ${page.next}\n`);
    } finally {
      src.close();
    }
  });

  sourceOptions(
    jobs
      .command("show <job>")
      .description("one job: status, error code and message, result, times, outputs (from its receipt)")
      .option("--json", "print {job, outcome} as JSON"),
  ).action(async (id: string, o: SourceFlags) => {
    const { readReceiptUnverified } = await import("../../agent/index.js");
    const { formatOutcome, jobOutcome } = await import("../../agent/client/outcome.js");
    const src = await open(o);
    try {
      const { job, receipt } = await src.show(id);
      const outcome = receipt
        ? jobOutcome(readReceiptUnverified(receipt), {
            to: o.to,
            auth: { tokenFile: o.tokenFile, ca: o.ca, cert: o.cert, key: o.key },
          })
        : null;
      if (o.json) return printJson({ job, outcome });
      if (outcome)
        process.stdout.write(
          formatOutcome(outcome, outcome.status === "succeeded" ? 0 : 1).replace(/ \(exit \d+\)/, ""),
        );
      else process.stdout.write(`job ${job.id}: ${job.status} (no receipt yet)\n`);
    } finally {
      src.close();
    }
  });

  sourceOptions(
    jobs
      .command("logs <job>")
      .description("print a job's stdout (the runner's output object) or, with --stderr, its error text")
      .option("--stderr", "print stderr instead of stdout"),
  ).action(async (id: string, o: SourceFlags & { stderr?: boolean }) => {
    const src = await open(o);
    try {
      process.stdout.write(await src.log(id, o.stderr ? "stderr" : "stdout"));
    } finally {
      src.close();
    }
  });

  sourceOptions(
    jobs
      .command("outputs <job> [name]")
      .description(
        "list a job's output files, print one (NAME), or write them (-o DIR), each checked against its receipt digest",
      )
      .option("-o, --out <dir>", "write the outputs (or NAME) into this directory")
      .option("--json", "list as JSON"),
  ).action(async (id: string, name: string | undefined, o: SourceFlags & { out?: string }) => {
    const { mkdirSync } = await import("node:fs");
    const { join, dirname } = await import("node:path");
    if (o.out !== undefined) outputDir(o.out);
    const src = await open(o);
    try {
      const { job } = await src.show(id);
      const outputs = (job.outputs ?? []) as { name: string; sha256: string }[];
      const { SigrunError } = await import("../../core/index.js");
      if (name !== undefined && !outputs.some((x) => x.name === name))
        throw new SigrunError("JOB_NOT_FOUND", `job ${id}: no output named ${JSON.stringify(name)}`);
      const chosen = name === undefined ? outputs : outputs.filter((x) => x.name === name);
      // say so rather than print or write nothing (-o DIR still exists afterwards, empty)
      if (outputs.length === 0) process.stderr.write(`job ${id}: no outputs\n`);
      if (o.out !== undefined) mkdirSync(o.out, { recursive: true });
      if (o.out === undefined) {
        if (name !== undefined) return void process.stdout.write(await src.output(id, name));
        if (o.json) return printJson({ job: id, outputs });
        for (const x of outputs) process.stdout.write(`${x.sha256}  ${x.name}\n`);
        return;
      }
      for (const x of chosen) {
        if (x.name.split("/").some((s) => s === "" || s === "." || s === ".."))
          throw new SigrunError("INPUT_INVALID", `job ${id}: bad output name ${JSON.stringify(x.name)}`);
        const dest = join(o.out, x.name);
        mkdirSync(dirname(dest), { recursive: true });
        writeOutput(dest, await src.output(id, x.name), { overwrite: false });
        process.stderr.write(`${dest}\n`);
      }
    } finally {
      src.close();
    }
  });

  sourceOptions(
    jobs
      .command("metrics")
      .description("the agent's Prometheus metrics (GET /metrics, or computed from --state)"),
  ).action(async (o: SourceFlags) => {
    const src = await open(o);
    try {
      process.stdout.write(await src.metrics());
    } finally {
      src.close();
    }
  });
}
