import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The subset of `@cedar-policy/cedar-wasm/nodejs` that sigrun uses. */
export type CedarModule = typeof import("@cedar-policy/cedar-wasm/nodejs");

/** A compiled WebAssembly.Module (typed loosely: the project's TypeScript lib has no WebAssembly types). */
export type WasmModule = object;

interface WasmApi {
  Module: new (bytes: ArrayBufferView) => WasmModule;
  compile(bytes: ArrayBufferView): Promise<WasmModule>;
}

function wasmApi(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

/** cedar-wasm's compiled WebAssembly module and the SHA-256 of the bytes it was compiled from. */
export interface CompiledCedar {
  readonly module: WasmModule;
  readonly sha256: string;
}

const ENTRY = "@cedar-policy/cedar-wasm/nodejs";

/**
 * Loads cedar-wasm (the `/nodejs` entry; the default ESM entry fails under Node). Loaded lazily, on
 * first use, so importing `policy/` costs nothing. Node's require cache makes repeated calls free.
 *
 * With `compiled` (from `compileCedar`, handed to a worker thread), the first load in this thread
 * instantiates that module instead of compiling the wasm again, provided the bytes cedar-wasm reads have
 * the same SHA-256; threads sharing one module share its machine code, including the optimized code
 * V8 tiers up to while it runs, so a new worker does not pay that compilation again.
 */
export function loadCedar(compiled?: CompiledCedar): CedarModule {
  const require = createRequire(import.meta.url);
  if (compiled === undefined || require.cache[require.resolve(ENTRY)] !== undefined) {
    return require(ENTRY) as CedarModule;
  }
  return requireWith(compiled.module, (bytes) => sha256(bytes) === compiled.sha256);
}

/**
 * Loads cedar-wasm with `module` as its compiled wasm, provided the bytes its glue code reads pass
 * `same` (else the glue compiles them itself).
 */
function requireWith(module: WasmModule, same: (bytes: ArrayBufferView) => boolean): CedarModule {
  const require = createRequire(import.meta.url);
  const api = wasmApi();
  const Native = api.Module;
  const shared = new Proxy(Native, {
    construct(target, args, newTarget) {
      const bytes = args[0] as unknown;
      if (ArrayBuffer.isView(bytes) && same(bytes)) return module;
      return Reflect.construct(target, args, newTarget) as object;
    },
  });
  // only for the synchronous load of cedar-wasm's glue code, which runs `new WebAssembly.Module(bytes)`
  Reflect.set(api, "Module", shared);
  try {
    return require(ENTRY) as CedarModule;
  } finally {
    Reflect.set(api, "Module", Native);
  }
}

/**
 * For a fresh thread that will need cedar-wasm soon (`sigrun run`'s script thread): reads the wasm now,
 * compiles it on V8's background threads while this thread goes on (loading the runner), and loads
 * cedar-wasm with that module once compiled. Resolves when done; never rejects (after a failure, the
 * first use loads cedar-wasm as usual). No-op if this thread has loaded it.
 */
export function preloadCedar(): Promise<void> {
  const require = createRequire(import.meta.url);
  let ours: Buffer;
  try {
    if (require.cache[require.resolve(ENTRY)] !== undefined) return Promise.resolve();
    ours = readFileSync(wasmPath());
  } catch {
    return Promise.resolve();
  }
  return wasmApi()
    .compile(ours)
    .then((module) => {
      const same = (b: ArrayBufferView): boolean =>
        ours.equals(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      requireWith(module, same);
    })
    .catch(() => undefined);
}

function wasmPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(ENTRY)), "cedar_wasm_bg.wasm");
}

/** Compiles cedar-wasm's module off the calling thread (for worker threads to share; see loadCedar). */
export async function compileCedar(): Promise<CompiledCedar> {
  // node:fs/promises loads on first use, not with this module (sigrun run's script thread starts faster)
  const bytes = await process.getBuiltinModule("node:fs/promises").readFile(wasmPath());
  return { module: await wasmApi().compile(bytes), sha256: sha256(bytes) };
}

function sha256(bytes: ArrayBufferView): string {
  return createHash("sha256")
    .update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .digest("hex");
}
