import type { Stats } from "node:fs";
import type { DirEntry, HostContext } from "../../host/index.js";
import * as h from "../../host/index.js";
import type { Value } from "../../script/index.js";
import { V } from "../../script/index.js";
import { type Binder, data } from "./binder.js";

export interface EntryData {
  ctx: HostContext;
  entry: DirEntry;
}

export function dirEntryValue(ctx: HostContext, entry: DirEntry): Value {
  return V.custom("DirEntry", { ctx, entry } satisfies EntryData);
}

export function metadataValue(st: Stats, symlinkTarget?: string): Value {
  return V.custom("Metadata", { st, symlinkTarget });
}

function modeString(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(3, "0");
}

function metadataMap(st: Stats): Value {
  return V.map({
    type: V.str(h.statType(st)),
    file_size: V.int(st.size),
    num_hardlinks: V.int(st.nlink),
    blocks: V.int(st.blocks),
    allocated_size: V.int(st.blocks * 512),
    last_modified_time: V.int(Math.floor(st.mtimeMs / 1000)),
    permissions: V.int(st.mode & 0o7777),
    owner: V.int(st.uid),
    group: V.int(st.gid),
  });
}

/** DirEntry, Metadata, EntryType and SizeUnit values shared by `ls` and the handle API. */
export function bindFsValues(b: Binder): void {
  b.module("EntryType", {
    constants: Object.fromEntries(
      ["FILE", "DIR", "SYMLINK", "UNKNOWN", "FIFO", "SOCKET", "CHAR_DEVICE", "BLOCK_DEVICE"].map((k) => [
        k,
        V.str(k),
      ]),
    ),
  });
  const ed = (v: Value) => data<EntryData>(v, "DirEntry");
  b.type("DirEntry", {
    getters: {
      name: (v) => V.str(ed(v).entry.name),
      inode: (v) => V.int(ed(v).entry.inode),
    },
    methods: {
      type: [{ params: [], fn: ([v]) => V.str(ed(v).entry.type) }],
      metadata: [
        {
          params: [],
          fn: ([v]) => {
            const { ctx, entry } = ed(v);
            // a followed symlink from find(follow_symlinks) describes its target, as Rex's resolved entry
            if (entry.resolvedSymlink) return metadataValue(h.walkEntryMetadata(ctx, entry).st);
            return metadataValue(h.entryMetadata(ctx, entry));
          },
        },
      ],
      to_map: [
        {
          params: [],
          fn: ([v]) => {
            const { entry } = ed(v);
            return V.map({ name: V.str(entry.name), inode: V.int(entry.inode), type: V.str(entry.type) });
          },
        },
      ],
    },
  });
  const md = (v: Value) => data<{ st: Stats; symlinkTarget?: string }>(v, "Metadata").st;
  b.type("Metadata", {
    getters: { owner: (v) => V.int(md(v).uid) },
    methods: {
      type: [{ params: [], fn: ([v]) => V.str(h.statType(md(v))) }],
      file_size: [{ params: [], fn: ([v]) => V.int(md(v).size) }],
      num_hardlinks: [{ params: [], fn: ([v]) => V.int(md(v).nlink) }],
      blocks: [{ params: [], fn: ([v]) => V.int(md(v).blocks) }],
      allocated_size: [{ params: [], fn: ([v]) => V.int(md(v).blocks * 512) }],
      last_modified_time: [{ params: [], fn: ([v]) => V.int(Math.floor(md(v).mtimeMs / 1000)) }],
      last_modified_time_nanos_component: [
        { params: [], fn: ([v]) => V.int(Math.round((md(v).mtimeMs % 1000) * 1e6)) },
      ],
      permissions: [{ params: [], fn: ([v]) => V.str(modeString(md(v).mode)) }],
      to_map: [{ params: [], fn: ([v]) => metadataMap(md(v)) }],
    },
  });
}
