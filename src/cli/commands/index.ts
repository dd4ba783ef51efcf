import type { Command } from "commander";

/** Every verb registers itself here; keep the list sorted. One file per verb in this folder. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [];
