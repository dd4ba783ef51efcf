// the two files, not bundle/index.js: the index loads bundle signing and keys, which a script never uses
import { gunzipCapped } from "../../bundle/gzip.js";
import { readTarMembers } from "../../bundle/tar.js";
import type { DirHandle, FileHandle, HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { RhaiError, V } from "../../script/index.js";
import { type Binder, data, str } from "./binder.js";
import { type BuiltData, builder, built, optBool, optNum } from "./builders.js";
import { dirOpts, fileOpts } from "./fs-handles.js";
import { type EntryData, metadataValue } from "./fs-values.js";

const dirV = (d: DirHandle): Value => V.custom("DirHandle", d);
const fileV = (f: FileHandle): Value => V.custom("FileHandle", f);
const dirOf = (v: Value | undefined): DirHandle => data<DirHandle>(v!, "DirHandle");
const fileOf = (v: Value | undefined): FileHandle => data<FileHandle>(v!, "FileHandle");
const linkOf = (v: Value | undefined): h.SymlinkHandle => data<h.SymlinkHandle>(v!, "SymlinkHandle");
const opt = (s: string | undefined): Value => (s === undefined ? V.unit : V.str(s));

/** The `.tar.gz` reader of bundles (src/bundle), with the archive caps of `extract_archive`. */
const readArchive: h.ArchiveReader = (gz) =>
  readTarMembers(gunzipCapped(gz, h.MAX_ARCHIVE_BYTES), {
    maxEntries: h.MAX_ARCHIVE_ENTRIES,
    skipSpecial: true,
  });

function duOpts(d: BuiltData): h.DiskUsageOptions {
  return {
    summarize: optBool(d, "summarize"),
    all_files: optBool(d, "all_files"),
    one_file_system: optBool(d, "one_file_system"),
    count_hard_links: optBool(d, "count_hard_links"),
    apparent_size: optBool(d, "apparent_size"),
    max_depth: optNum(d, "max_depth"),
    track_largest_subdir: optBool(d, "track_largest_subdir"),
  };
}

/**
 * Rex's remaining file-handle API: read_page, extract_strings, certificates, extract_archive, elf_info,
 * disk_usage, symlink handles, DirEntry.open_as_file/open_as_dir and dir.move.
 */
export function bindFsExtra(b: Binder, ctx: HostContext): void {
  builder(b, "ReadPageOptions", { num_lines: "i64" }, { required: ["num_lines"] });
  builder(b, "ExtractArchiveOptions", {
    preserve_permissions: "bool",
    preserve_ownership: "bool",
    preserve_timestamps: "bool",
  });
  builder(b, "DiskUsageOptions", {
    summarize: "bool",
    all_files: "bool",
    one_file_system: "bool",
    count_hard_links: "bool",
    apparent_size: "bool",
    max_depth: "i64",
    track_largest_subdir: "bool",
  });
  builder(b, "CreateSymlinkOptions", { force: "bool" });

  const ei = (v: Value) => data<h.ElfInfo>(v, "ElfInfo");
  const elfMap = (i: h.ElfInfo): Value =>
    V.map({
      execfn: opt(i.execfn),
      platform: opt(i.platform),
      interpreter: opt(i.interpreter),
      is_64bit: V.bool(i.is_64bit),
    });
  b.type("ElfInfo", {
    getters: {
      execfn: (v) => opt(ei(v).execfn),
      platform: (v) => opt(ei(v).platform),
      interpreter: (v) => opt(ei(v).interpreter),
      is_64bit: (v) => V.bool(ei(v).is_64bit),
    },
    methods: { to_map: [{ params: [], fn: ([v]) => elfMap(ei(v!)) }] },
  });
  const due = (v: Value) => data<h.DiskUsageEntry>(v, "DiskUsageEntry");
  b.type("DiskUsageEntry", {
    getters: {
      path: (v) => V.str(due(v).path),
      size_bytes: (v) => V.int(due(v).size_bytes),
      inode_count: (v) => V.int(due(v).inode_count),
    },
    methods: {
      to_map: [
        {
          params: [],
          fn: ([v]) =>
            V.map({
              path: V.str(due(v!).path),
              size_bytes: V.int(due(v!).size_bytes),
              inode_count: V.int(due(v!).inode_count),
            }),
        },
      ],
    },
  });
  const dur = (v: Value) => data<h.DiskUsageResult>(v, "DiskUsageResult");
  b.type("DiskUsageResult", {
    getters: {
      entries: (v) => V.array(dur(v).entries.map((e) => V.custom("DiskUsageEntry", e))),
      largest_subdir_handle: (v) => {
        const d = dur(v).largest_subdir_handle;
        return d === undefined ? V.unit : dirV(d);
      },
    },
  });
  b.type("Metadata", {
    methods: {
      symlink_target: [
        {
          params: [],
          fn: ([v]) => opt(data<{ symlinkTarget?: string }>(v!, "Metadata").symlinkTarget),
        },
      ],
    },
  });

  b.type("FileHandle", {
    methods: {
      read_page: [
        {
          params: ["ReadPageOptions"],
          fn: ([f, o]) =>
            V.array(h.readPage(fileOf(f), optNum(built(o, "ReadPageOptions"), "num_lines") ?? 0).map(V.str)),
        },
      ],
      extract_strings: [{ params: [], fn: ([f]) => V.array(h.extractStrings(fileOf(f)).map(V.str)) }],
      verify_cert: [
        {
          params: ["FileHandle"],
          fn: ([f, root]) => {
            h.verifyCert(fileOf(f), fileOf(root));
            return undefined;
          },
        },
      ],
      verify_cert_chain: [
        {
          params: ["FileHandle", "array"],
          fn: ([f, root, list]) => {
            const items = V.isArray(list!) ? list : [];
            const inter = items.map((x) => {
              if (V.typeOf(x) !== "FileHandle") {
                throw new RhaiError(
                  "ErrorMismatchDataType",
                  "Data type incorrect: Array with non-file-handle elements (expecting Array<RcFileHandle>)",
                );
              }
              return fileOf(x);
            });
            h.verifyCertChain(fileOf(f), fileOf(root), inter);
            return undefined;
          },
        },
      ],
      extract_archive: [
        {
          params: ["DirHandle", "ExtractArchiveOptions"],
          fn: ([f, d, o]) => {
            const x = built(o, "ExtractArchiveOptions");
            h.extractArchive(
              fileOf(f),
              dirOf(d),
              {
                preserve_permissions: optBool(x, "preserve_permissions"),
                preserve_ownership: optBool(x, "preserve_ownership"),
                preserve_timestamps: optBool(x, "preserve_timestamps"),
              },
              readArchive,
            );
            return undefined;
          },
        },
      ],
      elf_info: [{ params: [], fn: ([f]) => V.custom("ElfInfo", h.elfInfo(fileOf(f))) }],
      disk_usage: [
        {
          params: ["DiskUsageOptions"],
          fn: ([f, o]) =>
            V.custom("DiskUsageEntry", h.fileDiskUsage(fileOf(f), duOpts(built(o, "DiskUsageOptions")))),
        },
      ],
    },
  });

  b.type("DirHandle", {
    methods: {
      read_link_target: [{ params: ["string"], fn: ([d, n]) => V.str(h.readLinkTarget(dirOf(d), str(n!))) }],
      create_symlink: [
        {
          params: ["string", "string", "CreateSymlinkOptions"],
          fn: ([d, target, name, o]) => {
            h.createSymlink(dirOf(d), str(target!), str(name!), {
              force: optBool(built(o, "CreateSymlinkOptions"), "force"),
            });
            return undefined;
          },
        },
      ],
      open_symlink: [
        { params: ["string"], fn: ([d, n]) => V.custom("SymlinkHandle", h.openSymlink(dirOf(d), str(n!))) },
      ],
      disk_usage: [
        {
          params: ["DiskUsageOptions"],
          fn: ([d, o]) =>
            V.custom("DiskUsageResult", h.dirDiskUsage(dirOf(d), duOpts(built(o, "DiskUsageOptions")))),
        },
      ],
      move: [
        {
          params: ["DirHandle", "DirHandle", "string", "MoveOptions"],
          fn: ([d, src, dest, name, o]) =>
            dirV(
              h.moveDir(dirOf(d), dirOf(src), dirOf(dest), str(name!), {
                verbose: optBool(built(o, "MoveOptions"), "verbose"),
              }),
            ),
        },
      ],
    },
  });

  const entryOf = (v: Value | undefined) => data<EntryData>(v!, "DirEntry");
  b.type("DirEntry", {
    methods: {
      open_as_file: [
        {
          params: ["OpenFileOptions"],
          fn: ([e, o]) =>
            fileV(h.openEntryAsFile(ctx, entryOf(e).entry, fileOpts(built(o, "OpenFileOptions")))),
        },
      ],
      open_as_dir: [
        {
          params: ["OpenDirOptions"],
          fn: ([e, o]) => {
            dirOpts(built(o, "OpenDirOptions")); // accepted and ignored, as Rex
            return dirV(h.openEntryAsDir(ctx, entryOf(e).entry));
          },
        },
      ],
    },
  });

  b.type("SymlinkHandle", {
    methods: {
      metadata: [
        {
          params: [],
          fn: ([s]) => {
            const m = h.symlinkMetadata(linkOf(s));
            return metadataValue(m.st, m.target);
          },
        },
      ],
      set_ownership: [
        {
          params: ["SetOwnershipOptions"],
          fn: ([s, o]) => {
            const x = built(o, "SetOwnershipOptions");
            h.setSymlinkOwnership(linkOf(s), {
              user: x.user as string | undefined,
              group: x.group as string | undefined,
            });
            return undefined;
          },
        },
      ],
    },
  });
}
