import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Keeps a long stream's peak RSS low. node:crypto returns every 64 KiB chunk in a fresh ArrayBuffer
 * outside the V8 heap (no node:crypto call encrypts into a caller's buffer); V8 lets ~64 MB of such
 * dead buffers pile up before it collects them (its trigger is external-memory growth, not the tiny JS
 * wrappers). A minor GC every 4 MiB of output frees them at once: peak RSS of `sigrun seal`/`unseal`
 * of 1 GiB stays at 80–90 MB instead of 140–200 MB.
 *
 * Measured cost (2 loaded cores): a forced minor GC that waits for V8's concurrent ArrayBuffer sweeper
 * took 1–5 ms (the sweeper thread competes for a core); sweeping on the main thread instead
 * (`--no-concurrent-array-buffer-sweeping`) takes 0.3–1 ms. A periodic full GC (15–30 ms each) is not
 * needed: the seal pump hands each batch to the writer before collecting, so no chunk lives through
 * two scavenges and none is promoted. Uses `--expose-gc` set at run time and the `gc` function of a
 * fresh context (as jest's leak detector does); if that is unavailable, it does nothing.
 */
export function minorGcEvery(bytes: number): (n: number) => void {
  let gc: ((opts?: { type: string }) => void) | undefined;
  try {
    setFlagsFromString("--expose-gc");
    setFlagsFromString("--no-concurrent-array-buffer-sweeping");
    gc = runInNewContext("gc") as typeof gc;
  } catch {
    gc = undefined;
  }
  if (typeof gc !== "function") return () => {};
  let since = 0;
  return (n: number) => {
    since += n;
    if (since < bytes) return;
    since = 0;
    gc?.({ type: "minor" });
  };
}
