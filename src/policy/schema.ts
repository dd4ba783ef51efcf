import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SigrunError } from "../core/index.js";

/** Where the shipped copy of Rex's schema lives (package root `schema/`, next to `dist/`). */
export function rexSchemaPath(): string {
  return fileURLToPath(new URL("../../../schema/rex.cedarschema", import.meta.url));
}

/** Reads Rex's Cedar schema (Apache-2.0, unchanged copy) shipped with sigrun. */
export function loadRexSchema(): string {
  try {
    return readFileSync(rexSchemaPath(), "utf8");
  } catch (err) {
    throw new SigrunError("SCHEMA_INVALID", `schema ${rexSchemaPath()}: cannot read`, { cause: err });
  }
}
