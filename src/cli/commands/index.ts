import type { Command } from "commander";
import { register as bundle } from "./bundle.js";
import { register as demo } from "./demo.js";
import { register as verify } from "./verify.js";

/** Every verb registers itself here; keep the list sorted. One file per verb in this folder. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [bundle, demo, verify];
