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
  natsCreds?: string;
  redisEnv?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  prefix?: string;
  natsStream?: string;
  hostKeys?: string;
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
    .option(
      "--nats-creds <file>",
      "NATS credentials: a .creds file, a token file, or user and password on two lines (never in the URL)",
    )
    .option("--redis <url>", "Redis server (no password in it: see --redis-env)")
    .option("--redis-env <var>", "Redis URL, with its password, from this environment variable")
    .option("--tls-ca <file>", "NATS/Redis: CA certificate(s) to trust (PEM)")
    .option("--tls-cert <file>", "NATS/Redis: client certificate (PEM)")
    .option("--tls-key <file>", "NATS/Redis: client certificate key (PEM file)")
    .option(
      "--prefix <prefix>",
      "NATS subject / Redis key prefix the agents use (agent config nats.subjectPrefix, redis.prefix; default sigrun)",
    )
    .option(
      "--nats-stream <name>",
      "JetStream jobs stream the agents use (agent config nats.stream; default SIGRUN_JOBS)",
    )
    .option("--stream <key>", "Redis stream key (default from --host/--group)")
    .option("--host <id>", "target one agent host (queue transports)")
    .option("--group <name>", "target every agent of a group (queue transports)")
    .option("--sig <file>", "detached openssl signature: the bundle is the classic tar.gz form")
    .option("--wait", "wait for the receipt(s)")
    .option(
      "--count <n>",
      "with --group --wait: receipts to wait for (default: the group's live members, from their heartbeats)",
    )
    .option(
      "--host-keys <dir>",
      "with --group --wait: only wait for members whose heartbeat verifies with <dir>/<host>.pub; each receipt is verified with its host's key there",
    )
    .option("--timeout <duration>", "how long to wait", "2m")
    .option("--host-pub <file>", "verify the receipt with this host public key")
    .option(
      "-o, --out <file|dir>",
      "write the signed receipt(s) here; a directory (existing, or DIR/ — created) gets <host>.receipt.json per host",
    )
    .option("--receipt <file>", "with --wait: save the signed receipt(s) here (one JSON line per receipt)")
    .option("--ca <file>", "HTTPS: CA certificate(s) to trust (PEM)")
    .option("--cert <file>", "HTTPS: client certificate (PEM)")
    .option("--key <file>", "HTTPS: client certificate key (PEM file)")
    .option("--token-file <file>", "HTTP(S): bearer token of the agent's submit role (a file; never on argv)")
    .option("--json", 'print the outcome as JSON ({"version": 1, …, "receipts": [...]})')
    .action(async (path: string, o: SubmitFlags) => {
      const { SigrunError, parseDuration } = await import("../../core/index.js");
      const modes = [o.to, o.nats, o.redis ?? o.redisEnv].filter((x) => x !== undefined).length;
      if (modes !== 1)
        throw new SigrunError("USAGE", "submit: give exactly one of --to, --nats, --redis, --redis-env");
      if (o.to !== undefined && !o.to.startsWith("s3://")) checkUrl(o.to, "--to", ["http", "https"]);
      if (o.to !== undefined && (o.prefix !== undefined || o.natsStream !== undefined))
        throw new SigrunError(
          "USAGE",
          "submit: --prefix and --nats-stream go with --nats or --redis, not --to",
        );
      if (o.nats !== undefined) checkUrl(o.nats, "--nats", ["nats", "tls"]);
      if (o.redis !== undefined) checkUrl(o.redis, "--redis", ["redis", "rediss"]);
      // a queue URL holding a secret is refused before anything else is read
      const { queueTarget } = await import("../../agent/client/queue-target.js");
      const target = o.to === undefined ? queueTarget(o) : undefined;
      const bundle = readInput(path, "bundle");
      const sig = o.sig ? readInput(o.sig, "signature") : undefined;
      const timeoutMs = parseDuration(o.timeout, "--timeout");
      const receipts: Uint8Array[] = [];
      const summary: Record<string, unknown> = {};
      let partial: { got: number; want: number; missing: readonly string[] } | undefined;
      let replay: number | undefined;
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
        const { queueFanout } = await import("../../agent/client/queue-fanout.js");
        const { readReceiptUnverified } = await import("../../agent/index.js");
        if (o.count !== undefined && !/^[1-9]\d{0,4}$/.test(o.count))
          throw new SigrunError("USAGE", "--count: expected a positive integer");
        if (target === undefined) throw new SigrunError("INTERNAL", "submit: no queue target");
        const progress = (line: string): void => {
          if (!o.json) process.stderr.write(`${line}\n`);
        };
        let want = 0;
        const r = await queueFanout({
          target,
          subject: target.kind === "nats" ? o.subject : o.stream,
          host: o.host,
          group: o.group,
          bundle,
          sig,
          wait: !!o.wait,
          count: o.count === undefined ? undefined : Number(o.count),
          timeoutMs,
          hostKeys: o.hostKeys,
          onExpected: (hosts, n) => {
            want = n;
            if (hosts && o.group !== undefined && o.host === undefined)
              progress(
                `waiting for ${n} live member${n === 1 ? "" : "s"} of group ${o.group}: ${hosts.join(", ")}`,
              );
          },
          onDuplicate: (at, found, missing) =>
            progress(
              `already submitted (JetStream stored it at ${at.toISOString()}): ${found} earlier receipt(s)` +
                (missing.length > 0 ? `; waiting up to ${o.timeout} for ${missing.join(", ")}` : ""),
            ),
          // shown even with --json: a skipped record is a warning, not part of the outcome
          onOversized: (err) => process.stderr.write(`sigrun: ${err.code}: ${err.message}\n`),
          onReceipt: (rc, k, _host, missing) => {
            const p = readReceiptUnverified(rc).predicate;
            const rest = missing.length > 0 ? ` (waiting for ${missing.join(", ")})` : "";
            progress(
              `receipt ${k} of ${want}: ${p.host.id} ${p.status}${p.error ? ` ${p.error.code}` : ""}${rest}`,
            );
          },
        });
        Object.assign(summary, r.summary);
        receipts.push(...r.receipts);
        if (r.partial) partial = r.partial;
        if (r.duplicate) replay = o.wait ? r.receipts.length : -1;
      }
      await report(receipts, o, summary);
      if (partial) {
        const code = partial.got === 0 ? "TIMEOUT" : "PARTIAL_RESULT";
        const { exitCodeFor } = await import("../exit-codes.js");
        const notes = [
          ...(partial.missing.length > 0 ? [`no answer from ${partial.missing.join(", ")}`] : []),
          ...(partial.got > 0 ? ["every receipt received was written"] : []),
        ];
        process.stderr.write(
          `sigrun: ${code}: ${partial.got} of ${partial.want} receipts within ${o.timeout}` +
            `${notes.length > 0 ? ` (${notes.join("; ")})` : ""}\n`,
        );
        if (!process.exitCode) process.exitCode = exitCodeFor(code);
      }
      if (replay !== undefined) {
        // JetStream de-duplicated the publish: nothing ran again; what was shown is what ran before
        const { exitCodeFor } = await import("../exit-codes.js");
        const earlier =
          replay < 0
            ? "nothing was queued (add --wait to read the receipts issued for it)"
            : replay === 0
              ? "no receipt for it is in the receipt stream"
              : `the ${replay} receipt(s) above were issued for it earlier`;
        process.stderr.write(
          "sigrun: REPLAY: nats: JetStream already holds this bundle (msgID = bundle id), so no agent runs it " +
            `again; ${earlier}\n`,
        );
        process.exitCode = exitCodeFor("REPLAY");
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
  // --host-keys DIR (a fan-out): each receipt is verified with its own host's key, DIR/<host>.pub — the
  // key that signed the heartbeats; a host without a file there stays unverified (and is named)
  const { hostKeysDir } = await import("../../agent/client/fleet.js");
  const keyOf = pub === undefined && o.hostKeys !== undefined ? hostKeysDir(o.hostKeys) : undefined;
  const unverifiedHosts: string[] = [];
  const statements = receipts.map((r) => {
    if (pub) return verifyReceipt(r, pub);
    const st = readReceiptUnverified(r);
    const key = keyOf?.(st.predicate.host.id);
    if (key) return verifyReceipt(r, key);
    unverifiedHosts.push(st.predicate.host.id);
    return st;
  });
  const verified = receipts.length > 0 && unverifiedHosts.length === 0;
  const statuses = statements.map((s) => s.predicate);
  // s3:// is a drop box, not the agent's jobs API: point at the host's state dir instead
  const http = o.to?.startsWith("s3://") ? undefined : o.to;
  const auth = { tokenFile: o.tokenFile, ca: o.ca, cert: o.cert, key: o.key };
  const outcomes = statements.map((s) => jobOutcome(s, { to: http, auth }));
  const exitOf = (p: (typeof statuses)[number]): number => {
    if (p.status === "succeeded") return 0;
    const code = p.error?.code;
    return code && isErrorCode(code) ? exitCodeFor(code) : 1;
  };
  if (o.out && receipts.length > 0) {
    const { mkdirSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    // a directory: one that exists, or a path written with a trailing slash (created: the receipts that
    // arrived must not be lost to a missing directory)
    const asDir = o.out.endsWith("/") || statSync(o.out, { throwIfNoEntry: false })?.isDirectory();
    if (asDir) {
      mkdirSync(o.out, { recursive: true });
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
      verified,
      receipts: outcomes.map((x, i) => ({ ...x, exitCode: exitOf(statuses[i]!) })),
    });
  } else if (receipts.length === 0) {
    // what was queued: the job id (HTTP), the stream entry (Redis), the object key (S3), the subject (NATS)
    const what = summary.job ?? summary.entry ?? summary.key;
    process.stdout.write(
      what !== undefined
        ? `${what}\n`
        : summary.duplicate === true
          ? `not queued again: ${summary.subject} already holds this bundle\n`
          : `published to ${summary.subject ?? "the queue"}\n`,
    );
  } else {
    if (!verified)
      process.stdout.write(
        keyOf === undefined
          ? "receipt signature NOT verified (give --host-pub or --host-keys to verify it)\n"
          : `receipt signature NOT verified for ${unverifiedHosts.join(", ")} (no <host>.pub in ${o.hostKeys})\n`,
      );
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
