import { homedir } from "node:os";
import { join } from "node:path";
import { SigrunError } from "../core/index.js";

/** `$XDG_CONFIG_HOME/sigrun` (default `~/.config/sigrun`), from the environment given. */
export function sigrunConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg?.startsWith("/")) return join(xdg, "sigrun");
  return join(env.HOME || homedir(), ".config", "sigrun");
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Host names are directory names: letters, digits, `.`, `_`, `-`; at most 63. */
export function checkHostName(name: string): string {
  if (!NAME_RE.test(name) || name.includes(".."))
    throw new SigrunError(
      "USAGE",
      `host name: expected letters, digits, . _ - (≤ 63), got ${JSON.stringify(name)}`,
    );
  return name;
}
