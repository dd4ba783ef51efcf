import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data } from "./binder.js";

/**
 * A Rex enum as a script type: `Module::CONST` values of custom type `type` (data = the display text),
 * `==`/`!=` between them and `to_string` (Rust's Debug/Display name).
 */
export function bindEnum(b: Binder, type: string, module: string, values: Record<string, string>): void {
  b.module(module, {
    constants: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, V.custom(type, v)])),
  });
  const text = (v: Value) => data<string>(v, type);
  b.type(type, { toString: text });
  b.fn("==", [type, type], ([a, c]) => V.bool(text(a!) === text(c!)));
  b.fn("!=", [type, type], ([a, c]) => V.bool(text(a!) !== text(c!)));
}

export const enumValue = (type: string, text: string): Value => V.custom(type, text);
