#!/usr/bin/env node
// Build step (after tsc): converts Rex's Cedar schema (schema/rex.cedarschema) to Cedar's JSON schema
// form with cedar-wasm itself and writes it next to the compiled policy module, where
// src/policy/schema.ts looks for it. cedar-wasm parses the JSON form about twice as fast as the text,
// which a one-shot `sigrun run` feels. Fails the build if the schema does not convert or parse.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cedar = require("@cedar-policy/cedar-wasm/nodejs");
const src = new URL("../schema/rex.cedarschema", import.meta.url);
const out = new URL("../dist/src/policy/rex.cedarschema.json", import.meta.url);

const converted = cedar.schemaToJson(readFileSync(src, "utf8"));
if (converted.type !== "success") {
  console.error(`build-schema: ${converted.errors.map((e) => e.message).join("; ")}`);
  process.exit(1);
}
const json = `${JSON.stringify(converted.json)}\n`;
const check = cedar.preparseSchema("build-check", JSON.parse(json));
if (check.type !== "success") {
  console.error(
    `build-schema: the JSON form does not parse: ${check.errors.map((e) => e.message).join("; ")}`,
  );
  process.exit(1);
}
const tmp = new URL(`${out.href}.tmp-${process.pid}`);
writeFileSync(tmp, json);
renameSync(tmp, out);
