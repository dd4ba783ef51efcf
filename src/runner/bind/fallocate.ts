import type { FileHandle, SizeUnit } from "../../host/index.js";
import * as h from "../../host/index.js";
import type { Value } from "../../script/index.js";
import type { Binder } from "./binder.js";
import { data } from "./binder.js";
import { builder, built } from "./builders.js";

/** `file.fallocate(FallocateOptions().length(n).format(SizeUnit::…).build())` (Rex's DiskAllocationOptions). */
export function bindFallocate(b: Binder): void {
  builder(b, "FallocateOptions", { length: "i64", format: "any" }, { required: ["length"] });
  b.type("FileHandle", {
    methods: {
      fallocate: [
        {
          params: ["FallocateOptions"],
          fn: ([f, o]) => {
            const d = built(o, "FallocateOptions");
            const unit = d.format === undefined ? "BYTES" : data<SizeUnit>(d.format as Value, "SizeUnit");
            h.fallocateFile(data<FileHandle>(f!, "FileHandle"), d.length as bigint, unit);
            return undefined;
          },
        },
      ],
    },
  });
}
