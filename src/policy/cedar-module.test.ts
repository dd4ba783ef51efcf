import assert from "node:assert/strict";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { compileCedar } from "./index.js";

// The smallest valid wasm module (no imports, no exports).
const EMPTY_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** Loads cedar-wasm in a fresh worker with `compiled` and reports whether a decision works. */
function loadInWorker(compiled: unknown): Promise<string> {
  const index = new URL("./index.js", import.meta.url).href;
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    import(${JSON.stringify(index)}).then(({ loadCedar }) => {
      try {
        const c = loadCedar(workerData);
        parentPort.postMessage(c.checkParsePolicySet({ staticPolicies: "permit(principal, action, resource);" }).type);
      } catch (err) {
        parentPort.postMessage("threw");
      }
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: compiled });
    w.once("message", (m: string) => void w.terminate().then(() => resolve(m)));
    w.once("error", reject);
  });
}

test("loadCedar(compiled): the shared module is used only for the same bytes", async () => {
  const real = await compileCedar();
  assert.match(real.sha256, /^[0-9a-f]{64}$/);
  assert.equal(await loadInWorker(real), "success");
  const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<object> } })
    .WebAssembly;
  const other = await wasm.compile(EMPTY_WASM);
  // a different module under the right hash is used (and cannot serve cedar's glue): proves sharing
  assert.equal(await loadInWorker({ module: other, sha256: real.sha256 }), "threw");
  // a different module under another hash is ignored: cedar-wasm compiles its own copy
  assert.equal(await loadInWorker({ module: other, sha256: "0".repeat(64) }), "success");
});
