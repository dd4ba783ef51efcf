import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SigrunError, sha256Hex } from "../core/index.js";

/** A schema in a form cedar-wasm takes: Cedar schema text, or the JSON schema form as an object. */
export type CedarSchema = string | Record<string, unknown>;

/** A schema for the policy engine and the key it is pre-parsed under inside cedar-wasm. */
export interface SchemaSource {
  /** SHA-256 (hex) of the text the schema was read from. */
  readonly key: string;
  readonly schema: CedarSchema;
  /** Rex's schema shipped with sigrun (valid by construction: checked by the build and the tests). */
  readonly builtin: boolean;
}

/** Where the shipped copy of Rex's schema lives (package root `schema/`, next to `dist/`). */
export function rexSchemaPath(): string {
  return fileURLToPath(new URL("../../../schema/rex.cedarschema", import.meta.url));
}

/**
 * Where the build (`scripts/build-schema.mjs`) writes Rex's schema converted to Cedar's JSON schema form:
 * cedar-wasm parses that about twice as fast as the text, which a one-shot `sigrun run` feels. (Spelled
 * from `../policy/` so that the script thread's one-file bundle, dist/src/runner/rex-worker.bundle.js,
 * finds the same file.)
 */
export function rexSchemaJsonPath(): string {
  return fileURLToPath(new URL("../policy/rex.cedarschema.json", import.meta.url));
}

/** Reads Rex's Cedar schema (Apache-2.0, unchanged copy) shipped with sigrun. */
export function loadRexSchema(): string {
  try {
    return readFileSync(rexSchemaPath(), "utf8");
  } catch (err) {
    throw new SigrunError("SCHEMA_INVALID", `schema ${rexSchemaPath()}: cannot read`, { cause: err });
  }
}

/**
 * Rex's schema as the policy engine uses it: the JSON form the build made from `schema/rex.cedarschema`,
 * or, when the build step did not run (a bare `tsc`), the text itself (same schema, slower to parse).
 */
export function rexSchema(): SchemaSource {
  let json: string;
  try {
    json = readFileSync(rexSchemaJsonPath(), "utf8");
  } catch {
    const text = loadRexSchema();
    return { key: sha256(text), schema: text, builtin: true };
  }
  let schema: unknown;
  try {
    schema = JSON.parse(json);
  } catch (err) {
    throw new SigrunError("SCHEMA_INVALID", `schema ${rexSchemaJsonPath()}: not JSON (rebuild)`, {
      cause: err,
    });
  }
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new SigrunError("SCHEMA_INVALID", `schema ${rexSchemaJsonPath()}: not a JSON object (rebuild)`);
  }
  return { key: sha256(json), schema: schema as Record<string, unknown>, builtin: true };
}

/** A schema given by the caller as Cedar schema text. */
export function schemaFromText(text: string): SchemaSource {
  return { key: sha256(text), schema: text, builtin: false };
}

function sha256(text: string): string {
  return sha256Hex(text);
}
