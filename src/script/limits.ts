/**
 * Resource limits, one error kind each (as Rhai's `Engine::set_max_*`). 0 = unlimited where noted.
 * These defaults are the only place limits are defined; override per engine or per run.
 */
export interface Limits {
  /** Operations per run (`ErrorTooManyOperations`); 0 = unlimited. */
  maxOperations: number;
  /** Function call nesting (`ErrorStackOverflow`). */
  maxCallLevels: number;
  /** Parser expression depth at global level (`ParseError:ExprTooDeep`); 0 = unlimited (capped internally). */
  maxExprDepth: number;
  /** Parser expression depth inside functions (`ParseError:ExprTooDeep`). */
  maxFunctionExprDepth: number;
  /** String size in UTF-8 bytes (`ErrorDataTooLarge`, literals: `ParseError:LiteralTooLarge`); 0 = unlimited. */
  maxStringSize: number;
  /** Array length, nested arrays counted in total (`ErrorDataTooLarge`); 0 = unlimited. */
  maxArraySize: number;
  /** Map size, nested maps counted in total (`ErrorDataTooLarge`); 0 = unlimited. */
  maxMapSize: number;
  /** Variables in scope (`ErrorTooManyVariables`); 0 = unlimited. */
  maxVariables: number;
  /** Script functions (`ParseError:TooManyFunctions`); 0 = unlimited. */
  maxFunctions: number;
  /** Modules (`ErrorTooManyModules`); 0 = unlimited. */
  maxModules: number;
  /** Wall-clock deadline per run in ms (`ErrorTerminated`); 0 = none. */
  maxWallMs: number;
  /** Host (registered) function calls per run (`ErrorTooManyOperations`); 0 = unlimited. */
  maxHostCalls: number;
  /** Source size in bytes accepted by the parser (`ParseError:InputTooLarge`). */
  maxSourceSize: number;
}

/** Defaults for hostile scripts: bounded everywhere. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxOperations: 50_000_000,
  maxCallLevels: 64,
  maxExprDepth: 64,
  maxFunctionExprDepth: 32,
  maxStringSize: 16 * 1024 * 1024,
  maxArraySize: 1_000_000,
  maxMapSize: 100_000,
  maxVariables: 10_000,
  maxFunctions: 10_000,
  maxModules: 64,
  maxWallMs: 10_000,
  maxHostCalls: 100_000,
  maxSourceSize: 4 * 1024 * 1024,
});

/** Hard internal caps applied even when a limit is set to 0 ("unlimited"). */
export const HARD_MAX_EXPR_DEPTH = 1000;
export const HARD_MAX_CALL_LEVELS = 2000;

/** Merges overrides on top of a base (undefined fields keep the base). */
export function mergeLimits(base: Readonly<Limits>, over?: Partial<Limits>): Limits {
  const out = { ...base };
  if (over) {
    for (const k of Object.keys(over) as (keyof Limits)[]) {
      const v = over[k];
      if (typeof v === "number" && Number.isFinite(v) && v >= 0) out[k] = v;
    }
  }
  return out;
}
