import { dirEntities, fileEntities } from "../policy/index.js";
import type { CheckOptions, HostContext } from "./context.js";
import { check } from "./context.js";
import { validatePath } from "./path.js";

/**
 * A `file_system` Cedar request on a path given as a string (Rex's `FileEntity::from_string_path` /
 * `DirEntity::new`): the entity with its directory chain, the error reported in the caller's module
 * (`source`) and style (`plain`). Used by the system modules that read /proc, /sys and mount points.
 */
export function checkPath(
  ctx: HostContext,
  verb: string,
  kind: "File" | "Dir",
  path: string,
  opts: Pick<CheckOptions, "source" | "plain"> = {},
): void {
  validatePath(path);
  const entities = kind === "File" ? fileEntities(path) : dirEntities(path);
  check(ctx, "file_system", verb, entities[0]!.uid, entities, opts);
}
