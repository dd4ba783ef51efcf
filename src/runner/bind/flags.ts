import { HostError } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { RCustom, V } from "../../script/index.js";
import type { Binder } from "./binder.js";

/** A flag value such as `grep::i` or `tail::n(5)`: custom type `<Cmd>Flag`. */
export interface Flag {
  name: string;
  value?: bigint;
  value2?: bigint;
}

/**
 * Registers a flag module `cmd::<alias>` for each flag: constants for plain flags, functions for flags
 * with an argument (`tail::n(5)`). Aliases map to the same canonical flag name.
 */
export function flagModule(
  b: Binder,
  cmd: string,
  typeName: string,
  plain: Record<string, string>,
  valued: Record<string, { flag: string; arity: 1 | 2 }> = {},
): void {
  b.type(typeName, {});
  const constants: Record<string, Value> = {};
  for (const [alias, flag] of Object.entries(plain))
    constants[alias] = V.custom(typeName, { name: flag } satisfies Flag);
  const functions: Record<string, readonly { params: string[]; fn: (a: Value[]) => Value }[]> = {};
  for (const [alias, { flag, arity }] of Object.entries(valued)) {
    functions[alias] = [
      {
        params: arity === 1 ? ["i64"] : ["i64", "i64"],
        fn: (a) =>
          V.custom(typeName, {
            name: flag,
            value: V.asBigInt(a[0]),
            value2: arity === 2 ? V.asBigInt(a[1]) : undefined,
          } satisfies Flag),
      },
    ];
  }
  b.module(cmd, { constants, functions });
}

/** Rex's `extract_flags`: every element must be this command's flag type. */
export function readFlags(cmd: string, typeName: string, arr: Value): Flag[] {
  if (!Array.isArray(arr)) throw new HostError("Other", `${cmd}: expected an array of flags`);
  return arr.map((v) => {
    if (v instanceof RCustom && v.typeName === typeName) return v.data as Flag;
    throw new HostError("Other", `${cmd}: expected ${typeName} flag, got ${V.typeOf(v)}`);
  });
}

export const has = (flags: Flag[], name: string): boolean => flags.some((f) => f.name === name);
export const flagValue = (flags: Flag[], name: string): Flag | undefined =>
  flags.find((f) => f.name === name);
