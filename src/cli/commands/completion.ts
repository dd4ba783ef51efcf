import type { Command } from "commander";
import { SigrunError } from "../../core/index.js";

export function register(program: Command): void {
  program
    .command("completion <shell>")
    .description(
      "print a shell completion script (bash, zsh or fish), generated from the command definitions; " +
        "e.g. `source <(sigrun completion bash)` or `sigrun completion fish > ~/.config/fish/completions/sigrun.fish`",
    )
    .action(async (shell: string) => {
      const { buildProgram } = await import("../program.js");
      const gen = await import("../docgen.js");
      const nodes = gen.commandTree(buildProgram());
      if (shell === "bash") process.stdout.write(gen.bashCompletion(nodes));
      else if (shell === "zsh") process.stdout.write(gen.zshCompletion(nodes));
      else if (shell === "fish") process.stdout.write(gen.fishCompletion(nodes));
      else throw new SigrunError("USAGE", `completion: expected bash, zsh or fish, got ${shell}`);
    });
}
