import { SigrunError } from "../core/index.js";

/** A parsed `pkcs11:` URI (RFC 7512 subset). See docs/spec/signature-formats.md §PKCS#11. */
export interface Pkcs11Uri {
  readonly tokenLabel: string;
  readonly tokenSerial?: string;
  readonly keyLabel?: string;
  readonly keyId?: Uint8Array;
  readonly modulePath?: string;
  /** A file holding the PIN (`pin-source=file:/path`). The PIN itself is never accepted in the URI. */
  readonly pinFile?: string;
}

const MAX_URI = 4096;
const PATH_ATTRS = new Set(["token", "object", "id", "type", "serial", "manufacturer", "model"]);
const QUERY_ATTRS = new Set(["module-path", "pin-source"]);

function usage(what: string): SigrunError {
  return new SigrunError("USAGE", `pkcs11 uri: ${what}`);
}

function pctDecode(v: string, what: string): Uint8Array {
  if (!/^(?:[A-Za-z0-9\-._~:/ @!$'()*+,=&]|%[0-9A-Fa-f]{2})*$/.test(v))
    throw usage(`${what}: bad characters`);
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === "%") {
      out.push(Number.parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(v.charCodeAt(i));
  }
  return Uint8Array.from(out);
}

function pctText(v: string, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(pctDecode(v, what));
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    throw usage(`${what}: invalid utf-8`);
  }
}

/** Controls (C0, C1, DEL), bidi overrides/isolates, zero-width and line separators: terminal spoofing. */
const UNSAFE_TEXT = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** A label or serial as shown to people: printable text only. */
function labelText(v: string, what: string): string {
  const t = pctText(v, what);
  if (UNSAFE_TEXT.test(t)) throw usage(`${what}: control, bidi or zero-width characters are not accepted`);
  return t;
}

/** A file-system path handed to dlopen or read: no NUL (C would truncate it there), not empty. */
function pathText(v: string, what: string): string {
  const t = pctText(v, what);
  if (t === "" || t.includes("\0")) throw usage(`${what}: expected a path without NUL bytes`);
  return t;
}

export function isPkcs11Uri(spec: string): boolean {
  return spec.startsWith("pkcs11:");
}

/** Parses `pkcs11:token=…;object=…[;id=%01]?module-path=…[&pin-source=file:…]`. Rejects `pin-value`. */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (uri.length > MAX_URI || !isPkcs11Uri(uri)) throw usage("expected pkcs11:…, at most 4096 characters");
  const rest = uri.slice("pkcs11:".length);
  const q = rest.indexOf("?");
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? "" : rest.slice(q + 1);
  const attrs = new Map<string, string>();
  const take = (part: string, allowed: Set<string>) => {
    if (part === "") return;
    const eq = part.indexOf("=");
    if (eq <= 0) throw usage(`expected name=value, got ${part}`);
    const name = part.slice(0, eq);
    if (name === "pin-value") throw usage("pin-value is not accepted: give --pin-file or --pin-env");
    if (!allowed.has(name)) throw usage(`unsupported attribute ${name}`);
    if (attrs.has(name)) throw usage(`duplicate attribute ${name}`);
    attrs.set(name, part.slice(eq + 1));
  };
  for (const part of path.split(";")) take(part, PATH_ATTRS);
  for (const part of query.split("&")) take(part, QUERY_ATTRS);
  const token = attrs.get("token");
  if (token === undefined) throw usage("token: required");
  const type = attrs.get("type");
  if (type !== undefined && type !== "private") throw usage(`type: expected private, got ${type}`);
  const object = attrs.get("object");
  const id = attrs.get("id");
  if (object === undefined && id === undefined) throw usage("object or id: required");
  const pinSource = attrs.get("pin-source");
  let pinFile: string | undefined;
  if (pinSource !== undefined) {
    const s = pathText(pinSource, "pin-source");
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) && !s.startsWith("file:"))
      throw usage("pin-source: only file: (or a plain path) is supported");
    pinFile = s.startsWith("file:") ? s.slice(5) : s;
    if (pinFile.startsWith("//")) pinFile = pinFile.slice(2);
    if (pinFile === "") throw usage("pin-source: expected a path without NUL bytes");
  }
  const serial = attrs.get("serial");
  const modulePathRaw = attrs.get("module-path");
  const modulePath = modulePathRaw === undefined ? undefined : pathText(modulePathRaw, "module-path");
  // a bare library name would make dlopen search LD_LIBRARY_PATH/RPATH and load whatever it finds there
  if (modulePath !== undefined && !modulePath.startsWith("/"))
    throw usage("module-path: expected an absolute path");
  return {
    tokenLabel: labelText(token, "token"),
    ...(serial !== undefined ? { tokenSerial: labelText(serial, "serial") } : {}),
    ...(object !== undefined ? { keyLabel: labelText(object, "object") } : {}),
    ...(id !== undefined ? { keyId: pctDecode(id, "id") } : {}),
    ...(modulePath !== undefined ? { modulePath } : {}),
    ...(pinFile !== undefined ? { pinFile } : {}),
  };
}
