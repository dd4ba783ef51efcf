import { FnRegistry } from "../registry.js";
import { registerArray } from "./array.js";
import { registerBlob } from "./blob.js";
import { registerCore } from "./core.js";
import { registerMap } from "./map.js";
import { registerMath } from "./math.js";
import { registerString } from "./string.js";

/** Builds the registry of Rhai's default packages (a fresh one per engine). */
export function buildStdlib(): FnRegistry {
  const r = new FnRegistry();
  registerCore(r);
  registerMath(r);
  registerString(r);
  registerArray(r);
  registerMap(r);
  registerBlob(r);
  return r;
}

export { toJson } from "./map.js";
