/** Texts the initiator shows while it waits for the signer (pure; the CLI prints them). */

/** The default one-line context from the CI environment (GitHub Actions), else empty. */
export function defaultContext(env: Readonly<Record<string, string | undefined>>): string {
  if (!env.GITHUB_REPOSITORY) return "";
  const run = env.GITHUB_RUN_ID ? ` run ${env.GITHUB_RUN_ID}` : "";
  const sha = env.GITHUB_SHA ? ` ${env.GITHUB_SHA.slice(0, 12)}` : "";
  return `${env.GITHUB_REPOSITORY}${run}${sha}`.slice(0, 100);
}

/**
 * The flags of the signer's `sigrun remote-sign` command: the initiator's `--signer-hint` (real flags and
 * paths, checked by the CLI) or placeholders that fit the session's mode.
 */
export function signerArgs(mode: "public-key" | "shared-secret", hint?: string): string {
  if (hint !== undefined && hint.trim() !== "") return hint.trim();
  return mode === "public-key"
    ? "--key SIGNING_KEY --kex-key KEX_KEY"
    : "--key SIGNING_KEY --shared-secret-file SECRET_FILE";
}

/** The clearly delimited join block printed (and re-printed) by the initiator. */
export function joinBlock(
  line: string,
  pem: string,
  expiresAt: Date,
  now = Date.now(),
  args = signerArgs("public-key"),
): string {
  const left = Math.max(0, Math.round((expiresAt.getTime() - now) / 1000));
  const bar = "=".repeat(72);
  return [
    bar,
    "sigrun: waiting for the remote signer. On the signing machine run:",
    "",
    `  sigrun remote-sign ${line} ${args}`,
    "",
    "or save this block to a file and run `sigrun remote-sign --file FILE …`:",
    pem.trimEnd(),
    `expires ${expiresAt.toISOString()} (in ${Math.floor(left / 60)}m${String(left % 60).padStart(2, "0")}s)`,
    bar,
    "",
  ].join("\n");
}

export function stepSummary(
  line: string,
  pem: string,
  expiresAt: Date,
  args = signerArgs("public-key"),
): string {
  return [
    "### sigrun remote signing: join string",
    "",
    "Run on the signing machine:",
    "",
    "```",
    `sigrun remote-sign ${line} ${args}`,
    "```",
    "",
    "```",
    pem.trimEnd(),
    "```",
    "",
    `Expires ${expiresAt.toISOString()}.`,
    "",
  ].join("\n");
}
