import { fromBase64, recode } from "../core/index.js";
import { fail } from "./openpgp-packets.js";

/** OpenPGP ASCII armor (RFC 4880 §6): writing, and strict reading with the CRC-24 check. */
const MAX_ARMORED = 4 * 1024 * 1024;

function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** ASCII armor (RFC 4880 §6) with CRC-24 checksum, 64-column lines. */
export function armor(type: "SIGNATURE" | "PUBLIC KEY BLOCK", data: Uint8Array): string {
  const lines =
    Buffer.from(data)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  const c = crc24(data);
  const crc = Buffer.from([(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff]).toString("base64");
  return `-----BEGIN PGP ${type}-----\n\n${lines.join("\n")}\n=${crc}\n-----END PGP ${type}-----\n`;
}

/** Removes ASCII armor of the given type; checks the CRC when present. Binary input is returned as is. */
export function dearmor(data: Uint8Array, type: "SIGNATURE" | "PUBLIC KEY BLOCK"): Uint8Array {
  if (data.byteLength > 0 && (data[0]! & 0x80) !== 0) return data;
  if (data.byteLength > MAX_ARMORED) throw fail("armored data too large");
  const text = Buffer.from(data).toString("latin1").replace(/\r\n/g, "\n").replace(/\n$/, "");
  const begin = `-----BEGIN PGP ${type}-----`;
  const end = `-----END PGP ${type}-----`;
  if (!text.startsWith(`${begin}\n`) || !text.endsWith(`\n${end}`))
    throw fail(`expected an armored ${type.toLowerCase()}`);
  const lines = text.slice(begin.length + 1, text.length - end.length - 1).split("\n");
  let i = 0;
  while (i < lines.length && lines[i] !== "") {
    if (!/^[A-Za-z][A-Za-z0-9-]*: [\x20-\x7e]*$/.test(lines[i]!)) throw fail("bad armor header");
    i++;
  }
  if (i === lines.length) throw fail("missing blank line after armor headers");
  const body: string[] = [];
  let crc: string | undefined;
  for (const line of lines.slice(i + 1)) {
    if (crc !== undefined) throw fail("data after armor checksum");
    if (/^=[A-Za-z0-9+/]{4}$/.test(line)) crc = line.slice(1);
    else if (/^[A-Za-z0-9+/]+={0,2}$/.test(line)) body.push(line);
    else throw fail("bad armor line");
  }
  const b64 = body.join("");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw fail("bad base64 in armor");
  const out = recode(
    () => fromBase64(b64),
    "SIGNATURE_FORMAT_INVALID",
    "openpgp armor: non-canonical base64",
  );
  if (crc !== undefined) {
    const c = crc24(out);
    if (Buffer.from([(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff]).toString("base64") !== crc)
      throw fail("armor checksum mismatch");
  }
  return out;
}
