import type { CedarEntity, EntityUid } from "./types.js";

/** Cedar type names used by Rex's schema (rex.cedarschema). */
export const FS_FILE = "file_system::File";
export const FS_DIR = "file_system::Dir";

export function userUid(name: string): EntityUid {
  return { type: "User", id: name };
}

export function actionUid(namespace: string, verb: string): EntityUid {
  return { type: `${namespace}::Action`, id: verb };
}

/** Parent of an absolute, already validated path, as Rust's `Path::parent` gives it; undefined for "/". */
export function parentPath(path: string): string | undefined {
  const p = stripTrailingSlash(path);
  if (p === "/") return undefined;
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/** Rex strips one trailing "/" from directory ids, keeping "/" itself. */
export function stripTrailingSlash(path: string): string {
  return path !== "/" && path.endsWith("/") ? path.slice(0, -1) : path;
}

/**
 * The entity for a directory plus its whole ancestor chain up to `/`, each with attribute `path`
 * (Rex's DirEntity). The first element is the directory itself.
 */
export function dirEntities(path: string): CedarEntity[] {
  const out: CedarEntity[] = [];
  let current: string | undefined = stripTrailingSlash(path);
  while (current !== undefined) {
    const parent = parentPath(current);
    out.push({
      uid: { type: FS_DIR, id: current },
      attrs: { path: current },
      parents: parent === undefined ? [] : [{ type: FS_DIR, id: parent }],
    });
    current = parent;
  }
  return out;
}

/** The entity for a file (id = the path as given) plus its directory chain (Rex's FileEntity). */
export function fileEntities(path: string): CedarEntity[] {
  const parent = parentPath(path) ?? "/";
  return [
    { uid: { type: FS_FILE, id: path }, attrs: { path }, parents: [{ type: FS_DIR, id: parent }] },
    ...dirEntities(parent),
  ];
}

/** A resource entity without parents (processes, urls, hostnames, sysinfo …). */
export function plainEntity(type: string, id: string, attrs: Record<string, unknown> = {}): CedarEntity {
  return { uid: { type, id }, attrs, parents: [] };
}
