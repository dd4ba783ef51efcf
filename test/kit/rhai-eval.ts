import assert from "node:assert/strict";
import { Engine, toDebug } from "../../src/script/index.js";

/** A script evaluator for direct stdlib tests: the Debug text of a value, or the kind of a failure. */
export function rhaiEval(engine = new Engine()): {
  dbg: (src: string, e?: Engine) => string;
  errKind: (src: string, e?: Engine) => string;
} {
  return {
    /** Evaluates a script and returns the Debug text of its value (Rhai's `{:?}` form). */
    dbg(src, e = engine) {
      const r = e.eval(src);
      if (!r.ok) assert.fail(`${src}\n  → ${r.error.kind}: ${r.error.message}`);
      return toDebug(r.value);
    },
    /** Evaluates a script that must fail and returns the error's kind. */
    errKind(src, e = engine) {
      const r = e.eval(src);
      assert.equal(r.ok, false, `${src} should fail`);
      return r.ok ? "" : r.error.kind;
    },
  };
}
