import { FnRegistry } from "../registry.js";
import { registerArray } from "./array.js";
import { registerBlob } from "./blob.js";
import { registerBlobMore } from "./blob-more.js";
import { registerCore } from "./core.js";
import { registerExtras } from "./extras.js";
import { registerLangMore } from "./lang-more.js";
import { registerMap } from "./map.js";
import { registerMath } from "./math.js";
import { registerString } from "./string.js";

/**
 * Builds the registry of Rhai's default packages (a fresh one per engine); `extras` adds sigrun's opt-in
 * extension package (functions Rhai's `Engine::new()` lacks).
 */
export function buildStdlib(opts: { extras?: boolean } = {}): FnRegistry {
  const r = new FnRegistry();
  registerCore(r);
  registerMath(r);
  registerString(r);
  registerArray(r);
  registerMap(r);
  registerBlob(r);
  registerBlobMore(r);
  registerLangMore(r);
  if (opts.extras === true) registerExtras(r);
  return r;
}

export { toJson } from "./map.js";
