import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { SigrunError } from "../core/errors.js";

/**
 * The client config file (docs/cli.md "Configuration"): `$XDG_CONFIG_HOME/sigrun/config.toml` or
 * `config.json` (XDG_CONFIG_HOME defaults to ~/.config). It gives defaults for a few flags; a flag on the
 * command line always wins, then the environment, then the file.
 */
export const CONFIG_KEYS = {
  trust: "trusted public keys (a directory or a key file): --trust of verify, run, bundle extract",
  key: "signing key (file or pkcs11: URI): --key of sign, sign-file, bundle sign, remote-sign",
  relay: "relay URL: --relay of sign --remote (environment: SIGRUN_RELAY)",
  agent: "agent URL: --to of submit and jobs",
} as const;
export type ConfigKey = keyof typeof CONFIG_KEYS;

const ENV: Partial<Record<ConfigKey, string>> = { relay: "SIGRUN_RELAY" };
const MAX_CONFIG_BYTES = 64 * 1024;

/** Which option of which verb each key fills in (verb path → key → option attribute and its flags). */
const USES: ReadonlyArray<{
  verb: string;
  key: ConfigKey;
  attr: string;
  flags: readonly string[];
  unless?: string;
}> = [
  { verb: "verify", key: "trust", attr: "trust", flags: ["--trust"] },
  { verb: "run", key: "trust", attr: "trust", flags: ["--trust"] },
  { verb: "bundle extract", key: "trust", attr: "trust", flags: ["--trust", "--unverified"] },
  { verb: "sign", key: "key", attr: "key", flags: ["--key"], unless: "--remote" },
  { verb: "sign", key: "relay", attr: "relay", flags: ["--relay"] },
  { verb: "sign-file", key: "key", attr: "key", flags: ["--key"] },
  { verb: "bundle sign", key: "key", attr: "key", flags: ["--key"] },
  { verb: "remote-sign", key: "key", attr: "key", flags: ["--key"] },
  { verb: "submit", key: "agent", attr: "to", flags: ["--to", "--nats", "--redis"] },
  ...["list", "show", "logs", "outputs", "metrics"].map((v) => ({
    verb: `jobs ${v}`,
    key: "agent" as const,
    attr: "to",
    flags: ["--to", "--state"],
  })),
];

export interface LoadedConfig {
  /** The file read, or undefined when there is none. */
  readonly path: string | undefined;
  readonly values: Partial<Record<ConfigKey, string>>;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.startsWith("/") ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return join(base, "sigrun");
}

const expandHome = (v: string) => (v.startsWith("~/") ? join(homedir(), v.slice(2)) : v);

/** Reads the config file (strict: known keys, string values, 64 KiB); none is an empty config. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const dir = configDir(env);
  const found = ["config.toml", "config.json"].map((n) => join(dir, n)).filter((p) => existsSync(p));
  if (found.length === 0) return { path: undefined, values: {} };
  if (found.length > 1)
    throw new SigrunError("USAGE", `config: both ${found[0]} and ${found[1]} exist; keep one`);
  const path = found[0]!;
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.byteLength > MAX_CONFIG_BYTES)
      throw new SigrunError("INPUT_INVALID", `config ${path}: larger than 64 KiB`);
    text = bytes.toString("utf8");
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    throw new SigrunError("IO_ERROR", `config ${path}: ${(err as NodeJS.ErrnoException).code}`, {
      cause: err,
    });
  }
  let raw: unknown;
  try {
    raw = path.endsWith(".toml") ? (await import("smol-toml")).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new SigrunError("INPUT_INVALID", `config ${path}: ${(err as Error).message.split("\n")[0]}`, {
      cause: err,
    });
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new SigrunError("INPUT_INVALID", `config ${path}: expected a table of settings`);
  const values: Partial<Record<ConfigKey, string>> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!Object.hasOwn(CONFIG_KEYS, k))
      throw new SigrunError(
        "INPUT_INVALID",
        `config ${path}: unknown setting ${JSON.stringify(k)} (known: ${Object.keys(CONFIG_KEYS).join(", ")})`,
      );
    if (typeof v !== "string" || v === "")
      throw new SigrunError("INPUT_INVALID", `config ${path}: ${k}: expected a non-empty string`);
    values[k as ConfigKey] = expandHome(v);
  }
  return { path, values };
}

export interface EffectiveSetting {
  readonly key: ConfigKey;
  readonly value: string | undefined;
  /** "environment SIGRUN_RELAY", "config /path", or "unset". */
  readonly source: string;
}

/** The effective value of every setting and where it came from (`sigrun config show`). */
export function effectiveSettings(
  cfg: LoadedConfig,
  env: NodeJS.ProcessEnv = process.env,
): EffectiveSetting[] {
  return (Object.keys(CONFIG_KEYS) as ConfigKey[]).map((key) => {
    const e = ENV[key];
    if (e !== undefined && env[e]) return { key, value: env[e], source: `environment ${e}` };
    const v = cfg.values[key];
    if (v !== undefined) return { key, value: v, source: `config ${cfg.path}` };
    return { key, value: undefined, source: "unset" };
  });
}

/**
 * Fills the invoked verb's options from the config file where the command line does not give them
 * (nor the environment, for settings that have a variable). Loads the file only for verbs that use it.
 */
export async function applyConfig(program: Command, path: string, args: readonly string[]): Promise<void> {
  const uses = USES.filter((u) => u.verb === path);
  if (uses.length === 0) return;
  const given = (flag: string) => args.some((a) => a === flag || a.startsWith(`${flag}=`));
  const todo = uses.filter(
    (u) =>
      !u.flags.some(given) && !(u.unless && given(u.unless)) && !(ENV[u.key] && process.env[ENV[u.key]!]),
  );
  if (todo.length === 0) return;
  const cfg = await loadConfig();
  let cmd = program;
  for (const name of path.split(" ")) cmd = cmd.commands.find((c) => c.name() === name) ?? cmd;
  for (const u of todo) {
    const v = cfg.values[u.key];
    if (v === undefined) continue;
    const isArray = Array.isArray(cmd.getOptionValue(u.attr));
    cmd.setOptionValueWithSource(u.attr, isArray ? [v] : v, "config");
  }
}
