/** C0/C1 controls, DEL, bidi overrides/isolates, and zero-width/format characters that can spoof a terminal. */
const UNSAFE_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Makes text that came from a relay (motd, close reasons, error messages) safe to print: removes
 * control, bidi and zero-width characters (tab and newline become spaces unless `allowNewlines`),
 * and caps the length. Relays send plain text; clients must still never trust it.
 */
export function sanitizeRelayText(
  text: string,
  opts: { maxChars?: number; allowNewlines?: boolean } = {},
): string {
  const max = opts.maxChars ?? 512;
  let out = text.replace(UNSAFE_RE, "");
  out = out.replace(opts.allowNewlines ? /\t/g : /[\t\n]/g, " ");
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
