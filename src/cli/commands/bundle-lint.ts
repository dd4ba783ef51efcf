import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";
import type { LintReport } from "../../runner/lint.js";
import { printJson, readInput } from "../io.js";

const collect = (v: string, prev: string[]): string[] => [...prev, v];

const at = (p: { line?: number; col?: number }): string =>
  p.line === undefined ? "" : `line ${p.line}, column ${p.col}: `;

/** The human form of a lint report: one section per question. */
export function formatLint(r: LintReport): string {
  const b = r.bundle;
  const out: string[] = [
    "bundle",
    `  ${b.id}  entry ${b.entry}  policy ${b.policy}`,
    `  targets ${b.targets.length ? b.targets.join(", ") : "(any host)"}`,
    `  expires ${b.notAfter}${b.expired ? "  ERROR: expired" : ""}`,
    `  signatures (${b.signatures.length}): ${b.signatures.join(", ") || "none"}`,
    "principal",
  ];
  const p = r.principal;
  if (p.verified) out.push(`  ${p.principal} (verified against --trust: the first trusted signer)`);
  else if (p.error) out.push(`  ERROR: does not verify against --trust: ${p.error}`);
  else out.push(`  ${p.note}`);
  out.push(
    p.osUser === null
      ? "  os_user: the OS user the agent runs as (not known here; recorded in sigrun_explain, never the principal)"
      : `  os_user: ${p.osUser} (this OS user, for sigrun run; recorded in sigrun_explain, never the principal)`,
  );
  const t = r.target;
  out.push(
    "target",
    `  as ${t.as === "agent" ? "the agent" : "sigrun run"} on host ${t.host}${t.groups.length ? ` (groups ${t.groups.join(", ")})` : ""}: ` +
      (t.match ? "match" : `ERROR: mismatch — ${t.message}`),
    "script",
    ...(r.script.errors.length
      ? r.script.errors.map((e) => `  ERROR: ${at(e)}${e.message}`)
      : [`  parses (${r.script.calls} calls)`]),
    "policy",
    ...r.policy.errors.map((e) => `  ERROR: ${at(e)}${e.message}`),
    ...r.policy.warnings.map((w) => `  warning: ${at(w)}${w.message}`),
  );
  if (r.policy.errors.length === 0) out.push("  parses and validates against the Rex schema");
  out.push("host functions never permitted");
  const h = r.hostFunctions;
  if (!h.analyzed) out.push("  not analyzed (the script or the policy has errors)");
  else if (h.neverPermitted.length === 0) out.push("  none found");
  for (const x of h.neverPermitted) {
    const bare = x.call.replace(/^\./, "");
    const who =
      x.candidates.length > 1
        ? `${x.call} (may call ${x.function})`
        : x.function === bare
          ? x.call
          : `${x.call} (${x.function})`;
    const needs = x.required.map((g) => g.join(" or "));
    const what = [
      ...(needs.length ? [`needs ${needs.join(", ")}`] : []),
      ...(x.optional.length ? [`may need ${x.optional.join(", ")}`] : []),
    ].join("; ");
    const tag = x.severity === "error" ? "ERROR" : "warning";
    out.push(`  ${tag}: line ${x.line}, column ${x.col}: ${who} ${what}: never permitted by the policy`);
  }
  out.push(
    r.ok
      ? `ok (${count(r.warnings, "warning")})`
      : `${count(r.errors, "error")}, ${count(r.warnings, "warning")}`,
  );
  return `${out.join("\n")}\n`;
}

export function registerLint(bundle: Command): void {
  bundle
    .command("lint <bundle>")
    .description(
      "check a bundle without running it: the script parses, the policy parses and validates, who the principal " +
        "will be, whether the targets admit this host (or --as-agent --host-id H), and which host functions the " +
        "script calls that the policy can never permit (`-`: stdin)",
    )
    .option("--as-agent", "check as an agent would run it (target: --host-id/--groups; os_user: the agent's)")
    .option("--host-id <id>", "with --as-agent: the agent's host id (default: this machine's short hostname)")
    .option("--groups <a,b>", "with --as-agent: the agent's groups")
    .option(
      "--trust <dir|file>",
      "verify against these trusted keys and name the principal (repeatable)",
      collect,
      [],
    )
    .option("--json", "print the report as JSON (version 1)")
    .action(
      async (
        path: string,
        o: { asAgent?: boolean; hostId?: string; groups?: string; trust: string[]; json?: boolean },
      ) => {
        if (!o.asAgent && (o.hostId !== undefined || o.groups !== undefined))
          throw new SigrunError("USAGE", "--host-id and --groups go with --as-agent");
        const { lintBundle } = await import("../../runner/lint.js");
        const { loadTrustStore } = await import("../../bundle/index.js");
        const bytes = readInput(path, "bundle");
        const report = lintBundle(bytes, {
          ...(o.trust.length > 0 ? { trust: loadTrustStore(o.trust) } : {}),
          asAgent: o.asAgent === true,
          ...(o.hostId !== undefined ? { hostId: o.hostId } : {}),
          groups: (o.groups ?? "").split(",").filter((g) => g !== ""),
        });
        if (o.json) printJson(report);
        else process.stdout.write(formatLint(report));
        if (!report.ok)
          throw new SigrunError("LINT_FAILED", `bundle lint: ${count(report.errors, "error")} in ${path}`);
      },
    );
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
