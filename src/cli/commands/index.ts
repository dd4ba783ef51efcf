import type { Command } from "commander";
import { register as key } from "./key.js";
import { register as keygen } from "./keygen.js";
import { register as signFile } from "./sign-file.js";
import { register as verifyFile } from "./verify-file.js";

/** Every verb registers itself here; keep the list sorted. One file per verb in this folder. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [key, keygen, signFile, verifyFile];
