import type { Call, FnDef } from "./ast.js";
import { exitRequest, type Position, RhaiError } from "./errors.js";
import type { Ev } from "./runtime.js";
import { type RMap, typeName, type Value } from "./values.js";

/**
 * Functions of Rhai's core packages that act on the run itself: `exit()`/`exit(v)` (lang_core) and
 * `get_fn_metadata_list()`/`(name)`/`(name, arity)` (reflection). They are not keywords: a script
 * function with the same name and arity is called instead (the caller checks those first). Returns null
 * when `n` is none of them (another arity, another name).
 */
export function compileBuiltin(n: Call, args: readonly Ev[]): Ev | null {
  const p = { line: n.line, column: n.col };
  const [a0, a1] = args;
  switch (n.name) {
    case "exit":
      if (args.length > 1) return null;
      return (rt, f) => {
        throw exitRequest(a0 ? a0(rt, f) : undefined, p);
      };
    case "get_fn_metadata_list":
      if (args.length > 2) return null;
      return (rt, f) => {
        const name = a0 ? a0(rt, f) : null;
        const arity = a1 ? a1(rt, f) : null;
        if ((name !== null && typeof name !== "string") || (arity !== null && !isInt(arity)))
          throw notFound(n, [name, arity], p);
        if (arity !== null && arity < 0) return [];
        const out: Value[] = [];
        for (const def of rt.code.fnDefs) {
          if (name !== null && def.name !== name) continue;
          if (arity !== null && BigInt(def.params.length) !== BigInt(arity)) continue;
          out.push(fnMetadata(def));
        }
        return out;
      };
  }
  return null;
}

function isInt(v: Value): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

function notFound(n: Call, vals: (Value | null)[], p: Position): RhaiError {
  const sig = vals.filter((v) => v !== null).map(typeName);
  return new RhaiError("ErrorFunctionNotFound", `function not found: ${n.name} (${sig.join(", ")})`, {
    position: p,
  });
}

/** The name closures get from the parser (Rhai's `FN_ANONYMOUS` prefix). */
const ANONYMOUS = "anon$";

/**
 * Rhai's metadata map of a script function: `name`, `access` ("public"/"private"), `is_anonymous`,
 * `params` (for a closure: the variables it captures, then its own parameters, as Rhai curries them).
 */
export function fnMetadata(def: FnDef): RMap {
  const anonymous = def.name.startsWith(ANONYMOUS);
  const captured = def.info.captures.map((c) => c.inner.name);
  const m: RMap = new Map();
  m.set("name", def.name);
  m.set("access", !anonymous && def.isPrivate ? "private" : "public");
  m.set("is_anonymous", anonymous);
  m.set("params", [...captured, ...def.params]);
  if (def.thisType !== null) m.set("this_type", def.thisType);
  return m;
}
