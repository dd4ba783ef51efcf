import type { DirHandle, FileHandle, HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";
import { type BuiltData, builder, built, optBool, optNum } from "./builders.js";
import { dirEntryValue, metadataValue } from "./fs-values.js";

const dirV = (d: DirHandle): Value => V.custom("DirHandle", d);
const fileV = (f: FileHandle): Value => V.custom("FileHandle", f);
const dirOf = (v: Value): DirHandle => data<DirHandle>(v, "DirHandle");
const fileOf = (v: Value): FileHandle => data<FileHandle>(v, "FileHandle");

export function fileOpts(d: BuiltData): h.OpenFileOptions {
  const o: h.OpenFileOptions = {
    read: optBool(d, "read") ?? false,
    write: optBool(d, "write") ?? false,
    create: optBool(d, "create") ?? false,
    followSymlinks: optBool(d, "follow_symlinks") ?? false,
  };
  const p = optNum(d, "permissions");
  if (p !== undefined) o.permissions = p;
  return o;
}

export function dirOpts(d: BuiltData): h.OpenDirOptions {
  return {
    create: optBool(d, "create") ?? false,
    recursive: optBool(d, "recursive") ?? false,
    followSymlinks: optBool(d, "follow_symlinks") ?? false,
  };
}

/** Rex's fd-based handle API (rex.md §3.4): DirConfig → DirHandle → FileHandle and the options builders. */
export function bindFsHandles(b: Binder, ctx: HostContext): void {
  builder(b, "DirConfig", { path: "string" }, { required: ["path"] });
  builder(b, "OpenDirOptions", { create: "bool", recursive: "bool", follow_symlinks: "bool" });
  builder(b, "OpenFileOptions", {
    read: "bool",
    write: "bool",
    create: "bool",
    permissions: "i64",
    follow_symlinks: "bool",
  });
  builder(b, "DeleteDirOptions", { force: "bool", recursive: "bool" });
  builder(b, "DeleteFileOptions", { force: "bool" });
  builder(b, "ReadLinesOptions", { count: "i64", start: "i64" });
  builder(b, "CopyFileOptions", { force: "bool", preserve: "bool" });
  builder(b, "MoveOptions", { backup: "bool", verbose: "bool" });
  builder(b, "WriteOptions", { preserve_ownership: "bool" });
  builder(b, "ReplacementOptions", { is_regex: "bool", replace_all: "bool" });

  b.type("DirConfig", {
    methods: {
      open: [
        {
          params: ["OpenDirOptions"],
          fn: ([cfg, o]) =>
            dirV(h.openDir(ctx, String(built(cfg, "DirConfig").path), dirOpts(built(o, "OpenDirOptions")))),
        },
      ],
    },
  });

  b.type("DirHandle", {
    methods: {
      open_file: [
        {
          params: ["string", "OpenFileOptions"],
          fn: ([d, name, o]) =>
            fileV(h.openFileIn(dirOf(d), str(name), fileOpts(built(o, "OpenFileOptions")))),
        },
      ],
      list_entries: [
        {
          params: [],
          fn: ([d]) => {
            const m = new Map<string, Value>();
            for (const e of h.listEntries(dirOf(d))) m.set(e.name, dirEntryValue(ctx, e));
            return V.map(m);
          },
        },
      ],
      metadata: [{ params: [], fn: ([d]) => metadataValue(h.dirMetadata(dirOf(d))) }],
      delete: [
        {
          params: ["DeleteDirOptions"],
          fn: ([d, o]) => {
            const od = built(o, "DeleteDirOptions");
            h.deleteDir(dirOf(d), { force: optBool(od, "force"), recursive: optBool(od, "recursive") });
            return undefined;
          },
        },
      ],
    },
  });

  b.type("FileHandle", {
    methods: {
      read: [{ params: [], fn: ([f]) => V.str(fileOf(f).read()) }],
      read_lines: [
        {
          params: ["ReadLinesOptions"],
          fn: ([f, o]) => {
            const d = built(o, "ReadLinesOptions");
            return V.array(
              h.readFileLines(fileOf(f), { count: optNum(d, "count"), start: optNum(d, "start") }).map(V.str),
            );
          },
        },
      ],
      write: [
        { params: ["string"], fn: ([f, c]) => fileV(h.writeAtomic(fileOf(f), str(c))) },
        { params: ["string", "WriteOptions"], fn: ([f, c]) => fileV(h.writeAtomic(fileOf(f), str(c))) },
      ],
      write_in_place: [
        {
          params: ["string"],
          fn: ([f, c]) => {
            fileOf(f).writeInPlace(str(c));
            return undefined;
          },
        },
      ],
      delete: [
        {
          params: ["DeleteFileOptions"],
          fn: ([f, o]) => {
            fileOf(f).delete({ force: optBool(built(o, "DeleteFileOptions"), "force") });
            return undefined;
          },
        },
      ],
      copy: [
        {
          params: ["FileHandle", "CopyFileOptions"],
          fn: ([f, dest, o]) => {
            const d = built(o, "CopyFileOptions");
            return fileV(
              h.copyFile(fileOf(f), fileOf(dest!), {
                force: optBool(d, "force"),
                preserve: optBool(d, "preserve"),
              }),
            );
          },
        },
      ],
      move: [
        {
          params: ["DirHandle", "string", "MoveOptions"],
          fn: ([f, dd, name, o]) => {
            const d = built(o, "MoveOptions");
            return fileV(
              h.moveFile(fileOf(f), dirOf(dd!), str(name), {
                backup: optBool(d, "backup"),
                verbose: optBool(d, "verbose"),
              }),
            );
          },
        },
      ],
      metadata: [{ params: [], fn: ([f]) => metadataValue(fileOf(f).metadata()) }],
      search: [
        {
          params: ["string"],
          fn: ([f, re]) => V.array(h.searchFile(fileOf(f), str(re)).map((m) => V.custom("Match", m))),
        },
      ],
      counts: [{ params: [], fn: ([f]) => V.custom("WordCount", h.countFile(fileOf(f))) }],
    },
  });

  type M = { line_number: number; line_content: string };
  b.type("Match", {
    getters: {
      line_number: (v) => V.int(data<M>(v, "Match").line_number),
      line_content: (v) => V.str(data<M>(v, "Match").line_content),
    },
  });
  type W = { line_count: number; word_count: number; byte_count: number };
  b.type("WordCount", {
    getters: {
      line_count: (v) => V.int(data<W>(v, "WordCount").line_count),
      word_count: (v) => V.int(data<W>(v, "WordCount").word_count),
      byte_count: (v) => V.int(data<W>(v, "WordCount").byte_count),
    },
  });

  b.fn("replace_text", ["string", "string", "string", "ReplacementOptions"], ([t, a, r, o]) => {
    const d = built(o, "ReplacementOptions");
    return V.str(
      h.replaceText(str(t), str(a), str(r), {
        regex: optBool(d, "is_regex"),
        all: optBool(d, "replace_all"),
      }),
    );
  });
}
