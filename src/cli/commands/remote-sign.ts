import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import { countersignVerifier } from "../countersign-remote.js";
import { claimStdin, printJson, readInput } from "../io.js";
import { all, countdown, questioner, yes } from "../questioner.js";
import { connectRelayCli, sharedSecret } from "./sign.js";
import { addKeyOptions, type KeyOptions, openSigner } from "./sign-file.js";

interface RemoteSignOptions extends KeyOptions {
  file?: string;
  key?: string;
  kexKey?: string;
  sharedSecretEnv?: string;
  sharedSecretFile?: string;
  policy?: string;
  yes?: boolean;
  maxSignatures?: string;
  audit?: string;
  inspect?: boolean;
  approveFrom?: string;
  relayTokenEnv?: string;
  relayTokenFile?: string;
  idleTimeout: string;
  oidcIssuer?: string;
  oidcJwks?: string;
  requireProvenance?: boolean;
  approverPub?: string;
  nonceEnv?: string;
  json?: boolean;
}

const MAX_JOIN_INPUT = 8192;
/**
 * Opens the signer's audit log: the hash-chained SQLite log of src/audit, checkpoint-signed with the signing
 * key (docs/spec/audit-log.md). A JSON-lines file of an older sigrun is refused, not appended to.
 */
async function openAudit(path: string, signer: import("../../keys/index.js").Signer) {
  const { existsSync, statSync } = await import("node:fs");
  const { AuditLog, isSqliteFile } = await import("../../audit/index.js");
  if (existsSync(path) && statSync(path).size > 0 && !isSqliteFile(path))
    throw new SigrunError(
      "IO_ERROR",
      `--audit ${path}: a JSON-lines file (older sigrun); the audit log is an SQLite database now: give a new file`,
    );
  try {
    return await AuditLog.open(path, { signer, host: signer.publicKey.keyId });
  } catch (err) {
    if (err instanceof SigrunError && err.code !== "IO_ERROR") throw err;
    throw new SigrunError("IO_ERROR", `--audit ${path}: cannot open: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of process.stdin) {
    total += (c as Buffer).byteLength;
    if (total > MAX_JOIN_INPUT)
      throw new SigrunError("JOIN_STRING_INVALID", "join string: stdin longer than 8 KiB");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function register(program: Command): void {
  const cmd = program
    .command("remote-sign [join]")
    .description(
      "join a remote signing session as the signer: shows who asks and exactly what, asks y/N per request, signs, audit-logs",
    )
    .option("--file <file>", "read the join string from this file (`-` or a `-` argument: stdin)")
    .option("--key <key>", "signing key: private key file or pkcs11: URI")
    .option(
      "--kex-key <file>",
      "public-key mode: the x25519 key agreement private key (sigrun keygen --type x25519)",
    )
    .option("--shared-secret-env <var>", "shared-secret mode: read the secret from this environment variable")
    .option("--shared-secret-file <file>", "shared-secret mode: read the secret from this file")
    .option(
      "--policy <file>",
      "Cedar signer policy (principal Initiator, action sign, resource Artifact); a deny rejects",
    )
    .option("--yes", "sign what the policy allows without asking (requires --policy)")
    .option("--max-signatures <n>", "refuse more than n signatures in this session")
    .option(
      "--audit <file>",
      "record every decision in this hash-chained audit log (SQLite; checkpoints signed with --key; `sigrun audit verify FILE --host-pub KEY.pub`)",
    )
    .option("--inspect", "decrypt and show the join string (relay, context, expiry) without joining")
    .option("--approve-from <file>", "TESTING ONLY: answer the y/N questions from this file, one line each")
    .option("--relay-token-env <var>", "access token of a private relay, from this environment variable")
    .option("--relay-token-file <file>", "access token of a private relay, from this file")
    .option("--idle-timeout <duration>", "end the session when no request arrives for this long", "10m")
    .option(
      "--oidc-issuer <url>",
      "trust CI OIDC provenance tokens from this issuer (verified against its JWKS)",
    )
    .option("--oidc-jwks <url>", "JWKS url of --oidc-issuer (default: from its OpenID configuration)")
    .option(
      "--require-provenance",
      "refuse initiators without a valid provenance token (needs --oidc-issuer)",
    )
    .option(
      "--approver-pub <file>",
      "accept countersign requests for builds approved by this key (sigrun build-key new); else they are rejected",
    )
    .option(
      "--nonce-env <var>",
      "countersign, MAC variant: read the build nonce from this environment variable",
    )
    .option("--json", "print a json summary on stdout");
  addKeyOptions(cmd).action(async (join: string | undefined, o: RemoteSignOptions) => {
    const { parseDuration } = await import("../../core/index.js");
    const { parseJoinText } = await import("../../session/index.js");
    const signing = await import("../../signing/index.js");
    if (o.yes && o.policy === undefined) throw new SigrunError("USAGE", "--yes requires --policy");
    if (o.requireProvenance && o.oidcIssuer === undefined)
      throw new SigrunError("USAGE", "--require-provenance requires --oidc-issuer");
    if (o.approverPub !== undefined && o.audit === undefined)
      throw new SigrunError(
        "USAGE",
        "--approver-pub: give --audit LOG too (every countersign decision is logged)",
      );
    if (join !== undefined && o.file !== undefined)
      throw new SigrunError("USAGE", "give the join string or --file, not both");
    const fromStdin = join === "-" || o.file === "-";
    if (fromStdin) claimStdin("the join string");
    const text = fromStdin
      ? await readStdin()
      : o.file !== undefined
        ? Buffer.from(readInput(o.file, "join string file")).toString("utf8")
        : join;
    if (text === undefined)
      throw new SigrunError("USAGE", "give the join string, --file FILE, or - for stdin");
    const joinBytes = parseJoinText(text);
    let kexKey: import("node:crypto").KeyObject | undefined;
    if (o.kexKey !== undefined) {
      const { parsePrivateKey } = await import("../../keys/index.js");
      kexKey = parsePrivateKey(readInput(o.kexKey, "key agreement key"), undefined, o.kexKey);
    }
    const secret = sharedSecret(o);
    const secrets = { ...(kexKey ? { kexKey } : {}), ...(secret ? { secret } : {}) };

    if (o.inspect) {
      const signer = o.key !== undefined ? await openSigner(o.key, o) : undefined;
      try {
        const review = await signing.inspectJoin(joinBytes, secrets, signer);
        if (o.json) printJson({ ...review, expiresAt: review.expiresAt.toISOString() });
        else process.stdout.write(`${signing.describeSession(review, ttyColumns(process.stdout))}\n`);
      } finally {
        await signer?.close();
      }
      return;
    }
    if (o.key === undefined) throw new SigrunError("USAGE", "--key: required to sign");
    const maxSignatures = o.maxSignatures === undefined ? undefined : Number(o.maxSignatures);
    if (maxSignatures !== undefined && (!Number.isSafeInteger(maxSignatures) || maxSignatures < 0))
      throw new SigrunError(
        "USAGE",
        `--max-signatures: expected a non-negative integer, got ${o.maxSignatures}`,
      );
    const policyText =
      o.policy === undefined ? undefined : Buffer.from(readInput(o.policy, "policy")).toString("utf8");
    const q = questioner(o.approveFrom, !fromStdin);
    let policy: ReturnType<typeof signing.signerPolicy> | undefined;
    let approveRest = false;
    const countersign = await countersignVerifier(o);
    const signer = await openSigner(o.key, o);
    // Fail before joining when the audit log cannot be written (a later failure is reported to the peer).
    let auditLog: Awaited<ReturnType<typeof openAudit>> | undefined;
    try {
      if (o.audit !== undefined) auditLog = await openAudit(o.audit, signer);
    } catch (err) {
      await signer.close();
      throw err;
    }
    // Ctrl-C / SIGTERM: tell the initiator (error INTERRUPTED) instead of leaving it waiting.
    const ac = new AbortController();
    const onSignal = () => {
      process.stderr.write("\ninterrupted: telling the initiator\n");
      ac.abort();
      setTimeout(() => process.exit(130), 3000).unref();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      const result = await signing.runSigner({
        signal: ac.signal,
        joinBytes,
        secrets,
        signer,
        connect: (url) => {
          process.stderr.write(`connecting to ${url}\n`);
          return connectRelayCli(url, o.relayTokenEnv, o.relayTokenFile);
        },
        reviewSession: async (s) => {
          process.stderr.write(`${signing.describeSession(s, ttyColumns(process.stderr))}\n`);
          if (!s.keyMatches) return false;
          if (policyText !== undefined) policy = signing.signerPolicy(policyText, s);
          if (o.yes) return true;
          return yes(await q.ask("join this session? [y/N]"));
        },
        ...countersign,
        approve: async (r, opts) => {
          process.stderr.write(`${signing.describeRequest(r, ttyColumns(process.stderr))}\n`);
          if (r.countersign) process.stderr.write(`${signing.describeCountersign(r.countersign)}\n`);
          if (policy) {
            const d = policy(r);
            process.stderr.write(`policy: ${d.approved ? "allow" : "deny"} (${d.reason})\n`);
            if (!d.approved || o.yes) return d;
          }
          if (approveRest)
            return { approved: true, reason: "approved by the reviewer (all remaining)", by: q.by };
          const more = r.position && r.position.index < r.position.total;
          const stop = countdown(r.answerBy);
          const onWithdraw = () =>
            process.stderr.write(`\nWITHDRAWN: ${String((opts?.signal.reason as Error)?.message ?? "")}\n`);
          opts?.signal.addEventListener("abort", onWithdraw, { once: true });
          let a: string;
          try {
            a = await q.ask(
              `sign ${signing.oneLine(r.name, 80)} (${r.format})? [y/N${more ? "/a = this and all remaining" : ""}]`,
              opts?.signal,
            );
          } finally {
            stop();
            opts?.signal.removeEventListener("abort", onWithdraw);
          }
          if (more && all(a)) approveRest = true;
          const ok = yes(a) || approveRest;
          return {
            approved: ok,
            reason: ok
              ? `approved by the reviewer${approveRest ? " (all remaining)" : ""}`
              : "declined by the reviewer",
            by: q.by,
          };
        },
        ...(maxSignatures !== undefined ? { maxSignatures } : {}),
        idleTimeoutMs: parseDuration(o.idleTimeout, "--idle-timeout"),
        audit: async ({ event, time: _time, ...data }) => {
          if (auditLog) await auditLog.append(event, data as import("../../audit/index.js").AuditData);
        },
        onJoined: (sas) =>
          process.stderr.write(
            `keys confirmed. short authentication string: ${sas}\n` +
              'compare it with the initiator\'s log (its line "short authentication string: …"): if the words differ, someone is in between: answer no\n',
          ),
        ...(o.oidcIssuer !== undefined
          ? {
              provenance: {
                required: o.requireProvenance === true,
                verify: (token: string, audience: string) =>
                  signing.verifyProvenance(token, {
                    issuer: o.oidcIssuer!,
                    audience,
                    ...(o.oidcJwks !== undefined ? { jwksUrl: o.oidcJwks } : {}),
                  }),
              },
            }
          : {}),
        onProvenance: (p) =>
          process.stderr.write(`provenance verified (${p.issuer}): ${signing.provenanceLine(p)}\n`),
        onProgress: (m) => process.stderr.write(`${m}\n`),
      });
      if (o.json) printJson(result);
      else
        process.stderr.write(
          `session ended (${result.endedBy}): signed ${result.signed}, rejected ${result.rejected}\n`,
        );
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      try {
        await auditLog?.close(); // the final checkpoint, signed while the key is still open
      } finally {
        await signer.close();
      }
    }
  });
}

/** A terminal's width (reviews fit it when it is narrower than 80 columns); undefined when not a terminal. */
function ttyColumns(stream: NodeJS.WriteStream): number | undefined {
  return stream.isTTY ? stream.columns : undefined;
}
