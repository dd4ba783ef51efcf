import type { DirHandle, FileHandle, HostContext, SizeRange, SizeUnit } from "../../host/index.js";
import * as h from "../../host/index.js";
import type { FnPtr, Value } from "../../script/index.js";
import { RhaiError, V } from "../../script/index.js";
import { type Binder, data } from "./binder.js";
import { builder, built } from "./builders.js";
import { dirEntryValue } from "./fs-values.js";

const UNITS: SizeUnit[] = [
  "BYTES",
  "KILOBYTES",
  "KIBIBYTES",
  "MEGABYTES",
  "MEBIBYTES",
  "GIGABYTES",
  "GIBIBYTES",
];
const dirOf = (v: Value): DirHandle => data<DirHandle>(v, "DirHandle");
const fileOf = (v: Value): FileHandle => data<FileHandle>(v, "FileHandle");
const unitOf = (v: Value): SizeUnit => data<SizeUnit>(v, "SizeUnit");
const n = (v: Value): number => Number(V.asBigInt(v));
/** A FindOptions time bound: a DateTime value, as epoch seconds. */
const when = (v: unknown): number | undefined =>
  v === undefined ? undefined : h.datetime.epochSeconds(data<h.DateTime>(v as Value, "DateTime"));

/** DirHandle.find with FindOptions/SizeRange/SizeUnit, chmod and ownership on file and dir handles. */
export function bindFsMore(b: Binder, ctx: HostContext): void {
  b.module("SizeUnit", { constants: Object.fromEntries(UNITS.map((u) => [u, V.custom("SizeUnit", u)])) });
  b.type("SizeUnit", { toString: (v) => unitOf(v) });
  b.type("SizeRange", {});
  const range = (r: SizeRange): Value => V.custom("SizeRange", r);
  b.module("SizeRange", {
    functions: {
      min_only: [{ params: ["i64", "SizeUnit"], fn: ([m, u]) => range({ min: n(m!), unit: unitOf(u!) }) }],
      max_only: [{ params: ["i64", "SizeUnit"], fn: ([m, u]) => range({ max: n(m!), unit: unitOf(u!) }) }],
      between: [
        {
          params: ["i64", "i64", "SizeUnit"],
          fn: ([a, c, u]) => range({ min: n(a!), max: n(c!), unit: unitOf(u!) }),
        },
      ],
    },
  });
  builder(b, "FindOptions", {
    name: "string",
    iname: "string",
    regex: "string",
    negate_name: "bool",
    size_range: "any",
    min_depth: "i64",
    max_depth: "i64",
    follow_symlinks: "bool",
    min_creation_time: "any",
    max_creation_time: "any",
    min_modification_time: "any",
    max_modification_time: "any",
  });
  builder(b, "ChmodDirOptions", { permissions: "i64", recursive: "bool" }, { required: ["permissions"] });
  builder(b, "SetOwnershipOptions", { user: "string", group: "string", recursive: "bool" });
  b.type("Ownership", {
    getters: {
      user: (v) => V.str(data<h.Ownership>(v, "Ownership").user),
      group: (v) => V.str(data<h.Ownership>(v, "Ownership").group),
    },
  });
  const own = (o: Value | undefined): h.SetOwnershipOptions => {
    const d = built(o, "SetOwnershipOptions");
    return {
      user: d.user as string | undefined,
      group: d.group as string | undefined,
      recursive: d.recursive === true,
    };
  };

  b.type("DirHandle", {
    methods: {
      find: [
        {
          params: ["FindOptions", "Fn"],
          fn: ([d, o, f], cx) => {
            const x = built(o, "FindOptions");
            const opts: h.FindOptions = {
              name: x.name as string | undefined,
              iname: x.iname as string | undefined,
              regex: x.regex as string | undefined,
              negate_name: x.negate_name === true,
              size_range:
                x.size_range === undefined ? undefined : data<SizeRange>(x.size_range as Value, "SizeRange"),
              min_depth: x.min_depth === undefined ? undefined : Number(x.min_depth as bigint),
              max_depth: x.max_depth === undefined ? undefined : Number(x.max_depth as bigint),
              follow_symlinks: x.follow_symlinks === true,
              min_creation_time: when(x.min_creation_time),
              max_creation_time: when(x.max_creation_time),
              min_modification_time: when(x.min_modification_time),
              max_modification_time: when(x.max_modification_time),
            };
            h.find(dirOf(d!), opts, (e) => {
              try {
                cx.callFn(f as FnPtr, [dirEntryValue(ctx, e)]);
              } catch (err) {
                const msg = err instanceof RhaiError ? err.message : String(err);
                throw new h.HostError("Other", `Callback error: Rhai callback execution failed: ${msg}`);
              }
            });
            return undefined;
          },
        },
      ],
      chmod: [
        {
          params: ["ChmodDirOptions"],
          fn: ([d, o]) => {
            const x = built(o, "ChmodDirOptions");
            h.chmodDir(dirOf(d!), x.permissions as bigint, x.recursive === true);
            return undefined;
          },
        },
      ],
      get_ownership: [
        { params: [], fn: ([d]) => V.custom("Ownership", h.getOwnership({ kind: "dir", h: dirOf(d!) })) },
      ],
      set_ownership: [
        {
          params: ["SetOwnershipOptions"],
          fn: ([d, o]) => {
            h.setDirOwnership(dirOf(d!), own(o));
            return undefined;
          },
        },
      ],
    },
  });
  builder(b, "SearchGzipOptions", {
    exclude_pattern: "string",
    case_insensitive: "bool",
    max_results: "i64",
  });
  builder(b, "CompressGzipOptions", { level: "i64" });
  const gi = (v: Value) => data<h.GzipInfo>(v, "GzipInfo");
  b.type("GzipInfo", {
    getters: {
      compressed_size_bytes: (v) => V.int(gi(v).compressed_size_bytes),
      uncompressed_size_bytes: (v) => V.int(gi(v).uncompressed_size_bytes),
      compression_ratio: (v) => V.float(gi(v).compression_ratio),
    },
    methods: {
      to_map: [
        {
          params: [],
          fn: ([v]) =>
            V.map({
              compressed_size_bytes: V.int(gi(v!).compressed_size_bytes),
              uncompressed_size_bytes: V.int(gi(v!).uncompressed_size_bytes),
              compression_ratio: V.float(gi(v!).compression_ratio),
            }),
        },
      ],
    },
  });
  const searchOpts = (o: Value | undefined): h.SearchGzipOptions => {
    const d = built(o, "SearchGzipOptions");
    return {
      exclude_pattern: d.exclude_pattern as string | undefined,
      case_insensitive: d.case_insensitive === true,
      max_results: d.max_results === undefined ? 0 : Number(d.max_results as bigint),
    };
  };
  builder(b, "TruncateOptions", { size: "i64", format: "any" }, { required: ["size"] });
  b.type("FileHandle", {
    methods: {
      truncate: [
        {
          params: ["TruncateOptions"],
          fn: ([f, o]) => {
            const d = built(o, "TruncateOptions");
            const unit = d.format === undefined ? "BYTES" : unitOf(d.format as Value);
            h.truncateFile(fileOf(f!), d.size as bigint, unit);
            return undefined;
          },
        },
      ],
      read_gzip_lines: [
        {
          params: ["ReadLinesOptions"],
          fn: ([f, o]) => {
            const d = built(o, "ReadLinesOptions");
            const num = (k: string) => (d[k] === undefined ? undefined : Number(d[k] as bigint));
            return V.array(
              h.readGzipLines(fileOf(f!), { count: num("count"), start: num("start") }).map(V.str),
            );
          },
        },
      ],
      gzip_info: [{ params: [], fn: ([f]) => V.custom("GzipInfo", h.gzipInfo(fileOf(f!))) }],
      search_gzip: [
        {
          params: ["string", "SearchGzipOptions"],
          fn: ([f, p, o]) =>
            V.array(h.searchGzip(fileOf(f!), V.asString(p!), searchOpts(o)).map((m) => V.custom("Match", m))),
        },
      ],
      search_gzip_exists: [
        {
          params: ["string", "SearchGzipOptions"],
          fn: ([f, p, o]) =>
            V.bool(h.searchGzip(fileOf(f!), V.asString(p!), { ...searchOpts(o), max_results: 1 }).length > 0),
        },
      ],
      compress_gzip: [
        {
          params: ["FileHandle", "CompressGzipOptions"],
          fn: ([f, g, o]) => {
            const d = built(o, "CompressGzipOptions");
            h.compressGzip(fileOf(f!), fileOf(g!), d.level === undefined ? 6 : Number(d.level as bigint));
            return undefined;
          },
        },
      ],
      chmod: [
        {
          params: ["i64"],
          fn: ([f, m]) => {
            h.chmodFile(fileOf(f!), V.asBigInt(m!));
            return undefined;
          },
        },
      ],
      get_ownership: [
        { params: [], fn: ([f]) => V.custom("Ownership", h.getOwnership({ kind: "file", h: fileOf(f!) })) },
      ],
      set_ownership: [
        {
          params: ["SetOwnershipOptions"],
          fn: ([f, o]) => {
            h.setFileOwnership(fileOf(f!), own(o));
            return undefined;
          },
        },
      ],
    },
  });
}
