import { HostError } from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import type { Binder } from "./binder.js";

export type FieldKind = "bool" | "i64" | "string" | "array" | "map" | "any";
export type BuiltData = Record<string, unknown>;

function read(kind: FieldKind, v: Value): unknown {
  switch (kind) {
    case "bool":
      return V.asBool(v);
    case "i64":
      return V.asBigInt(v);
    case "string":
      return V.asString(v);
    default:
      return v;
  }
}

/**
 * A Rex builder: `Name()` gives `<Name>Builder`, each setter returns an updated builder, `.build()`
 * gives a `<Name>` value (a missing required field fails like derive_builder: "`x` must be initialized").
 */
export function builder(
  b: Binder,
  name: string,
  fields: Record<string, FieldKind>,
  opts: { required?: string[]; defaults?: BuiltData; ctorParams?: string[] } = {},
): void {
  const builderType = `${name}Builder`;
  const methods: Record<string, readonly { params: string[]; fn: (a: Value[]) => Value }[]> = {};
  for (const [field, kind] of Object.entries(fields)) {
    methods[field] = [
      {
        params: [kind],
        fn: ([self, v]) =>
          V.custom(builderType, { ...V.asCustom<BuiltData>(self, builderType), [field]: read(kind, v!) }),
      },
    ];
  }
  methods.build = [
    {
      params: [],
      fn: ([self]) => {
        const d = V.asCustom<BuiltData>(self, builderType);
        for (const r of opts.required ?? []) {
          if (d[r] === undefined)
            throw new HostError("InvalidArguments", `Invalid arguments: \`${r}\` must be initialized`);
        }
        return V.custom(name, { ...(opts.defaults ?? {}), ...d });
      },
    },
  ];
  b.type(builderType, { methods });
  b.type(name, {});
  b.fn(name, [], () => V.custom(builderType, {}));
}

/** Data of a built options value (`{}` for unit, so `open_file(name)` style defaults work). */
export function built(v: Value | undefined, name: string): BuiltData {
  if (v === undefined) return {};
  return V.asCustom<BuiltData>(v, name);
}

export const optBool = (d: BuiltData, k: string): boolean | undefined =>
  d[k] === undefined ? undefined : Boolean(d[k]);
export const optNum = (d: BuiltData, k: string): number | undefined =>
  d[k] === undefined ? undefined : Number(d[k] as bigint);
