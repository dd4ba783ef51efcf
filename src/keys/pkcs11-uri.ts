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
    const s = pctText(pinSource, "pin-source");
    pinFile = s.startsWith("file:") ? s.slice(5) : s;
    if (pinFile.startsWith("//")) pinFile = pinFile.slice(2);
  }
  const serial = attrs.get("serial");
  const modulePath = attrs.get("module-path");
  return {
    tokenLabel: pctText(token, "token"),
    ...(serial !== undefined ? { tokenSerial: pctText(serial, "serial") } : {}),
    ...(object !== undefined ? { keyLabel: pctText(object, "object") } : {}),
    ...(id !== undefined ? { keyId: pctDecode(id, "id") } : {}),
    ...(modulePath !== undefined ? { modulePath: pctText(modulePath, "module-path") } : {}),
    ...(pinFile !== undefined ? { pinFile } : {}),
  };
}
