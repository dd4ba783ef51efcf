import { SigrunError } from "../core/index.js";

/**
 * The one rule for a bundle's limits, for `sigrun run job.sgb --trust …` and the agent alike
 * (docs/spec/runner.md §10): what the signed manifest asks for, lowered to the machine's ceilings.
 */

/** What a bundle's manifest may ask for (docs/spec/bundle.md `limits`). */
export interface RequestedLimits {
  readonly maxOperations?: number;
  readonly wallClockMs?: number;
  readonly maxOutputBytes?: number;
}

/**
 * The machine's own limits, each a ceiling: the agent's config `limits`, `sigrun run`'s `--max-…` flags.
 * The interpreter-only ones (host calls, call depth, string/array/map size) have no manifest field and
 * no agent setting today; given, they are the limit.
 */
export type LimitCeilings = {
  readonly wallClockMs?: number;
  readonly memoryMb?: number;
  readonly maxOperations?: number;
  readonly maxOutputBytes?: number;
  readonly maxHostCalls?: number;
  readonly maxCallLevels?: number;
  readonly maxStringSize?: number;
  readonly maxArraySize?: number;
  readonly maxMapSize?: number;
};

/** The limits a bundle runs with; absent ones are the runner's defaults (src/script/limits.ts). */
export type EffectiveLimits = LimitCeilings & { readonly wallClockMs: number; readonly memoryMb: number };

/**
 * Ceilings in force where the machine sets none (the agent's long-standing defaults). Operations and
 * output size have none: a bundle may ask above the runner's defaults unless a ceiling says otherwise.
 */
export const DEFAULT_CEILINGS: Readonly<{ wallClockMs: number; memoryMb: number }> = Object.freeze({
  wallClockMs: 60_000,
  memoryMb: 256,
});

const CEILING_KEYS = [
  "wallClockMs",
  "memoryMb",
  "maxOperations",
  "maxOutputBytes",
  "maxHostCalls",
  "maxCallLevels",
  "maxStringSize",
  "maxArraySize",
  "maxMapSize",
] as const satisfies readonly (keyof LimitCeilings)[];
const REQUEST_KEYS = ["maxOperations", "wallClockMs", "maxOutputBytes"] as const;
const INTERPRETER_ONLY = [
  "maxHostCalls",
  "maxCallLevels",
  "maxStringSize",
  "maxArraySize",
  "maxMapSize",
] as const satisfies readonly (keyof LimitCeilings)[];

const positive = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * Refuses a ceiling that is not a positive integer. In the interpreter 0 means "unlimited", so a ceiling
 * of 0 would raise every bundle's limit instead of lowering it.
 */
export function checkCeilings(ceilings: LimitCeilings, where = "limit ceiling"): void {
  for (const k of CEILING_KEYS) {
    const v = ceilings[k];
    if (v !== undefined && !positive(v))
      throw new SigrunError(
        "USAGE",
        `${where} ${k}: expected a positive integer (a ceiling cannot be 0 = unlimited), got ${String(v)}`,
      );
  }
}

/**
 * The effective limits of a bundle run: for each limit, the smaller of what the manifest asks for and the
 * machine's ceiling (its own setting, else DEFAULT_CEILINGS); the one that exists when only one does;
 * absent (the runner's default) when neither does. A ceiling never raises what the signer asked for.
 */
export function effectiveLimits(
  requested: RequestedLimits | undefined,
  ceilings: LimitCeilings = {},
): EffectiveLimits {
  checkCeilings(ceilings);
  const want = requested ?? {};
  for (const k of REQUEST_KEYS) {
    const v = want[k];
    if (v !== undefined && !positive(v))
      throw new SigrunError("BUNDLE_MALFORMED", `manifest limits ${k}: expected a positive integer`);
  }
  const min = (ask: number | undefined, ceil: number | undefined): number | undefined =>
    ask === undefined ? ceil : ceil === undefined ? ask : Math.min(ask, ceil);
  const out: { -readonly [K in keyof LimitCeilings]: number } & { wallClockMs: number; memoryMb: number } = {
    wallClockMs: Math.min(want.wallClockMs ?? Infinity, ceilings.wallClockMs ?? DEFAULT_CEILINGS.wallClockMs),
    memoryMb: ceilings.memoryMb ?? DEFAULT_CEILINGS.memoryMb,
  };
  const maxOperations = min(want.maxOperations, ceilings.maxOperations);
  if (maxOperations !== undefined) out.maxOperations = maxOperations;
  const maxOutputBytes = min(want.maxOutputBytes, ceilings.maxOutputBytes);
  if (maxOutputBytes !== undefined) out.maxOutputBytes = maxOutputBytes;
  // no manifest field: the machine's setting is the limit
  for (const k of INTERPRETER_ONLY) {
    const v = ceilings[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
