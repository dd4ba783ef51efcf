import type { Command } from "commander";
import { checkUrl, printJson, readInput, writeOutput } from "../io.js";

interface SubmitFlags {
  to?: string;
  s3Endpoint?: string;
  nats?: string;
  subject?: string;
  redis?: string;
  stream?: string;
  host?: string;
  group?: string;
  sig?: string;
  wait?: boolean;
  count?: string;
  timeout: string;
  hostPub?: string;
  out?: string;
  receipt?: string;
  ca?: string;
  cert?: string;
  key?: string;
  tokenFile?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("submit <bundle>")
    .description(
      "send a bundle to agents: --to http(s)://host:port or s3://bucket/prefix, --nats URL (--subject S | --host H | --group G), or " +
        "--redis URL (--host H | --group G | --stream K). With --wait, print a summary (status, exit code, error " +
        "code and message, host, duration, where to fetch stdout/stderr/outputs; --json: the full outcome) and exit " +
        "with the job's error code unless it succeeded",
    )
    .option("--to <url>", "agent HTTP(S) base URL, or s3://bucket/prefix polled by `agent --s3`")
    .option(
      "--s3-endpoint <url>",
      "with --to s3://: S3-compatible endpoint (default AWS_ENDPOINT_URL_S3 or AWS)",
    )
    .option("--nats <url>", "NATS server (JetStream)")
    .option("--subject <subject>", "NATS subject (default from --host/--group)")
    .option("--redis <url>", "Redis server")
    .option("--stream <key>", "Redis stream key (default from --host/--group)")
    .option("--host <id>", "target one agent host (queue transports)")
    .option("--group <name>", "target every agent of a group (queue transports)")
    .option("--sig <file>", "detached openssl signature: the bundle is the classic tar.gz form")
    .option("--wait", "wait for the receipt(s)")
    .option("--count <n>", "with --nats --group --wait: receipts to wait for (one per member)", "1")
    .option("--timeout <duration>", "how long to wait", "2m")
    .option("--host-pub <file>", "verify the receipt with this host public key")
    .option(
      "-o, --out <file|dir>",
      "write the signed receipt(s) here; an existing directory gets <host>.receipt.json per host",
    )
    .option("--receipt <file>", "with --wait: save the signed receipt(s) here (one JSON line per receipt)")
    .option("--ca <file>", "HTTPS: CA certificate(s) to trust (PEM)")
    .option("--cert <file>", "HTTPS: client certificate (PEM)")
    .option("--key <file>", "HTTPS: client certificate key (PEM file)")
    .option("--token-file <file>", "HTTP(S): bearer token of the agent's submit role (a file; never on argv)")
    .option("--json", 'print the outcome as JSON ({"version": 1, …, "receipts": [...]})')
    .action(async (path: string, o: SubmitFlags) => {
      const { SigrunError, parseDuration } = await import("../../core/index.js");
      const modes = [o.to, o.nats, o.redis].filter((x) => x !== undefined).length;
      if (modes !== 1) throw new SigrunError("USAGE", "submit: give exactly one of --to, --nats, --redis");
      if (o.to !== undefined && !o.to.startsWith("s3://")) checkUrl(o.to, "--to", ["http", "https"]);
      if (o.nats !== undefined) checkUrl(o.nats, "--nats", ["nats", "tls"]);
      if (o.redis !== undefined) checkUrl(o.redis, "--redis", ["redis", "rediss"]);
      const bundle = readInput(path, "bundle");
      const sig = o.sig ? readInput(o.sig, "signature") : undefined;
      const timeoutMs = parseDuration(o.timeout, "--timeout");
      const receipts: Uint8Array[] = [];
      const summary: Record<string, unknown> = {};
      let partial: { got: number; want: number } | undefined;
      if (o.to?.startsWith("s3://")) {
        const { basename } = await import("node:path");
        const { s3Submit } = await import("../../agent/client/s3-submit.js");
        const r = await s3Submit({
          url: o.to,
          endpoint: o.s3Endpoint,
          name: basename(path),
          bundle,
          sig,
          wait: !!o.wait,
          timeoutMs,
        });
        summary.key = r.key;
        if (r.receipt) receipts.push(r.receipt);
      } else if (o.to) {
        const { httpSubmit, httpJobReceipt } = await import("../../agent/client/http-submit.js");
        const { readTokenFile } = await import("../../agent/client/jobs-client.js");
        const tls = { ca: o.ca, cert: o.cert, key: o.key, token: readTokenFile(o.tokenFile) };
        const r = await httpSubmit({ to: o.to, bundle, sig, wait: !!o.wait, timeoutMs, ...tls });
        summary.job = r.jobId;
        summary.httpStatus = r.status;
        if (r.receipt) receipts.push(r.receipt);
        else if (o.wait && r.jobId) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const got = await httpJobReceipt({ to: o.to, timeoutMs, ...tls }, r.jobId);
            if (got) {
              receipts.push(got);
              break;
            }
            if (Date.now() > deadline) throw new SigrunError("TIMEOUT", `job ${r.jobId}: no receipt in time`);
            await new Promise((res) => setTimeout(res, 100));
          }
        }
      } else {
        const { natsSubjects } = await import("../../agent/transports/nats.js");
        const { redisKeys } = await import("../../agent/transports/redis.js");
        const { natsSubmit, redisSubmit } = await import("../../agent/client/queue-submit.js");
        if (o.nats) {
          const s = natsSubjects();
          const subject = o.subject ?? (o.host ? s.host(o.host) : o.group ? s.group(o.group) : undefined);
          if (!subject) throw new SigrunError("USAGE", "submit --nats: give --subject, --host or --group");
          if (!/^[1-9]\d{0,4}$/.test(o.count ?? "1"))
            throw new SigrunError("USAGE", "--count: expected a positive integer");
          const waitFor = o.wait ? Number(o.count) : 0;
          const { readReceiptUnverified } = await import("../../agent/index.js");
          const r = await natsSubmit({
            url: o.nats,
            subject,
            bundle,
            sig,
            waitFor,
            timeoutMs,
            partialOnTimeout: true,
            onReceipt: (rc, k) => {
              if (o.json) return;
              const p = readReceiptUnverified(rc).predicate;
              process.stderr.write(
                `receipt ${k} of ${waitFor}: ${p.host.id} ${p.status}${p.error ? ` ${p.error.code}` : ""}\n`,
              );
            },
          });
          summary.subject = subject;
          summary.duplicate = r.duplicate;
          summary.expected = waitFor;
          summary.timedOut = r.timedOut;
          receipts.push(...r.receipts);
          partial = r.timedOut ? { got: r.receipts.length, want: waitFor } : undefined;
          if (r.duplicate && waitFor > 0)
            throw new SigrunError(
              "REPLAY",
              `nats: JetStream already holds this bundle (msgID = bundle id): the agents received it before and ` +
                "will not run it again; see their receipts with `sigrun jobs list --status … --to URL|--state DIR`",
            );
        } else {
          const k = redisKeys();
          const stream = o.stream ?? (o.host ? k.host(o.host) : o.group ? k.group(o.group) : undefined);
          if (!stream) throw new SigrunError("USAGE", "submit --redis: give --stream, --host or --group");
          if (o.wait && !o.host)
            throw new SigrunError(
              "USAGE",
              "submit --redis --wait: needs --host (whose receipt stream to read)",
            );
          const r = await redisSubmit({
            url: o.redis!,
            stream,
            bundle,
            sig,
            waitHost: o.wait ? o.host : undefined,
            timeoutMs,
          });
          summary.stream = stream;
          summary.entry = r.entryId;
          if (r.receipt) receipts.push(r.receipt);
        }
      }
      await report(receipts, o, summary);
      if (partial) {
        const code = partial.got === 0 ? "TIMEOUT" : "PARTIAL_RESULT";
        const { exitCodeFor } = await import("../exit-codes.js");
        process.stderr.write(
          `sigrun: ${code}: ${partial.got} of ${partial.want} receipts within ${o.timeout}` +
            `${partial.got > 0 ? " (every receipt received was written)" : ""}\n`,
        );
        if (!process.exitCode) process.exitCode = exitCodeFor(code);
      }
    });
}

async function report(
  receipts: Uint8Array[],
  o: SubmitFlags,
  summary: Record<string, unknown>,
): Promise<void> {
  const { isErrorCode } = await import("../../core/index.js");
  const { readReceiptUnverified, verifyReceipt } = await import("../../agent/index.js");
  const { formatOutcome, jobOutcome, SUBMIT_OUTCOME_VERSION } = await import("../../agent/client/outcome.js");
  const { parsePublicKey } = await import("../../keys/index.js");
  const { exitCodeFor } = await import("../exit-codes.js");
  const pub = o.hostPub ? parsePublicKey(readInput(o.hostPub, "host public key"), o.hostPub) : undefined;
  const statements = receipts.map((r) => (pub ? verifyReceipt(r, pub) : readReceiptUnverified(r)));
  const statuses = statements.map((s) => s.predicate);
  const outcomes = statements.map((s) => jobOutcome(s, { to: o.to }));
  const exitOf = (p: (typeof statuses)[number]): number => {
    if (p.status === "succeeded") return 0;
    const code = p.error?.code;
    return code && isErrorCode(code) ? exitCodeFor(code) : 1;
  };
  if (o.out && receipts.length > 0) {
    const { statSync } = await import("node:fs");
    const { join } = await import("node:path");
    if (statSync(o.out, { throwIfNoEntry: false })?.isDirectory()) {
      // a directory: one file per host (a group fan-out), <host>.receipt.json
      statuses.forEach((p, i) => {
        writeOutput(join(o.out!, `${p.host.id}.receipt.json`), receipts[i]!, { overwrite: true });
      });
    } else writeOutput(o.out, Buffer.concat(receipts), { overwrite: true });
  }
  if (o.receipt && receipts.length > 0) writeOutput(o.receipt, Buffer.concat(receipts), { overwrite: true });
  if (o.json) {
    printJson({
      version: SUBMIT_OUTCOME_VERSION,
      ...summary,
      verified: pub !== undefined,
      receipts: outcomes.map((x, i) => ({ ...x, exitCode: exitOf(statuses[i]!) })),
    });
  } else if (receipts.length === 0) {
    process.stdout.write(`${summary.job ?? summary.entry ?? summary.key ?? "submitted"}\n`);
  } else {
    if (pub === undefined)
      process.stdout.write("receipt signature NOT verified (give --host-pub to verify it)\n");
    for (let i = 0; i < outcomes.length; i++)
      process.stdout.write(formatOutcome(outcomes[i]!, exitOf(statuses[i]!)));
  }
  const bad = statuses.find((p) => p.status !== "succeeded");
  if (bad) {
    const code = bad.error?.code;
    process.stderr.write(`sigrun: ${code ?? "FAILED"}: job ${bad.job.id} on ${bad.host.id} ${bad.status}\n`);
    process.exitCode = exitOf(bad);
  }
}
