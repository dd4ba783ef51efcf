// Test-only re-exports for src/audit tests (makeEntry is not part of the public API).

export { makeEntry as makeEntryForTest } from "./entry.js";
export * from "./index.js";
