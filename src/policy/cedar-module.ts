import { createRequire } from "node:module";

/** The subset of `@cedar-policy/cedar-wasm/nodejs` that sigrun uses. */
export type CedarModule = typeof import("@cedar-policy/cedar-wasm/nodejs");

/**
 * Loads cedar-wasm (the `/nodejs` entry; the default ESM entry fails under Node). Loaded lazily, on
 * first use, so importing `policy/` costs nothing. Node's require cache makes repeated calls free.
 */
export function loadCedar(): CedarModule {
  const require = createRequire(import.meta.url);
  return require("@cedar-policy/cedar-wasm/nodejs") as CedarModule;
}
