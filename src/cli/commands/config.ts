import type { Command } from "commander";
import { printJson } from "../io.js";

export function register(program: Command): void {
  const config = program
    .command("config")
    .description(
      "the client config file ($XDG_CONFIG_HOME/sigrun/config.toml or config.json): defaults for flags",
    );
  config
    .command("show")
    .description(
      "print the effective value of each setting and where it came from (environment, config file, unset)",
    )
    .option("--json", "print as JSON")
    .action(async (o: { json?: boolean }) => {
      const { CONFIG_KEYS, configDir, effectiveSettings, loadConfig } = await import("../config.js");
      const cfg = await loadConfig();
      const settings = effectiveSettings(cfg);
      if (o.json) {
        printJson({ version: 1, ok: true, file: cfg.path ?? null, dir: configDir(), settings });
        return;
      }
      const lines = [
        `config file: ${cfg.path ?? `(none; looked for config.toml and config.json in ${configDir()})`}`,
        ...settings.map((s) => `${s.key.padEnd(6)} ${s.value ?? "-"}  (${s.source})  ${CONFIG_KEYS[s.key]}`),
        "a flag on the command line overrides every value above",
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
