/** Longest delay `setTimeout` honours: a longer one fires at once (Node clamps it to 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` once after `ms` milliseconds, for any `ms` (limits such as `--max-wall-ms` take up to 15
 * digits): a delay past setTimeout's range waits in steps. Returns the function that cancels it.
 */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  const at = Date.now() + ms;
  let timer: ReturnType<typeof setTimeout>;
  const arm = (): void => {
    const left = at - Date.now();
    timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return () => clearTimeout(timer);
}
