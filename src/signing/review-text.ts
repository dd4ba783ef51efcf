/**
 * Safe rendering of peer-supplied text for a human reviewer (docs/spec/session.md §7, issue 14 item 10).
 *
 * Rules every review follows, so that no content can imitate the review's own structure:
 * - Section headers (`header`) are the only lines that start in column 0 with `──`; every other line the
 *   renderer produces starts with at least two spaces.
 * - File content (`contentBlock`) is shown behind a numbered gutter (`   12 │ `); long lines are wrapped
 *   into continuation rows (`      ┆ `) so a terminal never wraps content into column 0.
 * - Widths are terminal columns, not characters: printable ASCII and box drawing take one, anything else
 *   is counted as two (a wide CJK character takes two; over-counting only wraps earlier). A finished review goes
 *   through `fitRows`, which breaks every row (headers and fact lines included) that would not fit
 *   REVIEW_COLUMNS − 1 columns into indented continuation rows: a terminal of that width never wraps
 *   a value (a name, a target, a member path) into column 0, where it could pass for a header.
 * - Runs of more than two blank lines collapse into one marker that says how many lines it hides; line
 *   numbers stay the real ones.
 * - Control, bidi, zero-width and invisible filler characters are shown escaped (`\x1b`, `\u202e`,
 *   `\u2800`), never interpreted.
 * - One-line values (`oneLine`) are escaped the same way, newlines included, and clipped.
 *
 * New request types render their facts with `factLines` and their content with `contentBlock`, under
 * `header`s, and put initiator-chosen text into `claimsSection`.
 */

// Control, format (soft hyphen, bidi, zero-width) and invisible filler characters (combining grapheme
// joiner, Hangul fillers, Khmer inherent vowels, braille blank): a line of fillers looks blank but would
// not be collapsed as one (`\u2800` × 300 lines pushes the rest of a script out of view).
const ESCAPE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|\u034f|\u115f|\u1160|\u17b4|\u17b5|\u2800|\u3164|\uffa0/g;

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
}

/** Escapes control (tabs and newlines included), bidi and zero-width characters and lone surrogates. */
export function escapeText(text: string): string {
  return text
    .replace(ESCAPE, escapeChar)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, escapeChar);
}

/** A single-line value: everything escaped (newlines too), clipped to `max` characters. */
export function oneLine(text: string, max = 200): string {
  const e = escapeText(text);
  return e.length > max ? `${e.slice(0, max)}…(${e.length - max} more)` : e;
}

/** A section header; nothing else the review prints starts with `──`. */
export function header(title: string): string {
  return `── ${oneLine(title, 120)} ──`;
}

/** `  key      value` lines (values escaped as one line each). */
export function factLines(facts: ReadonlyArray<readonly [string, string]>): string[] {
  const w = Math.max(...facts.map(([k]) => k.length)) + 2;
  return facts.map(([k, v]) => `  ${`${k}:`.padEnd(w)}${oneLine(v, 400)}`);
}

/** Terminal width every review fits (the classic 80 columns; a narrower terminal passes its own). */
export const REVIEW_COLUMNS = 80;

/**
 * Columns `c` (one code point) takes at most: 1 for printable ASCII and box drawing (U+2500–U+257F, the
 * review's own frame: one column except on terminals set to draw ambiguous-width characters wide), else 2.
 */
function columnsOf(c: string): number {
  const n = c.codePointAt(0)!;
  return (n >= 0x20 && n < 0x7f) || (n >= 0x2500 && n <= 0x257f) ? 1 : 2;
}

/** Terminal columns `text` takes at most. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const c of text) w += columnsOf(c);
  return w;
}

/** `text` cut into pieces of at most `width` columns (whole code points; at least one per piece). */
function chunks(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = "";
  let w = 0;
  for (const c of text) {
    const cw = columnsOf(c);
    if (cur !== "" && w + cw > width) {
      out.push(cur);
      cur = "";
      w = 0;
    }
    cur += c;
    w += cw;
  }
  out.push(cur);
  return out;
}

/**
 * `line` as rows of at most `first` columns, then `rest` columns each: broken after the last space of a
 * row when that is in its second half (prose stays readable), else at the width (nothing is dropped).
 */
function wordRows(line: string, first: number, rest: number): string[] {
  const rows: string[] = [];
  let text = line;
  let width = first;
  while (displayWidth(text) > width) {
    const head = chunks(text, width)[0]!;
    const space = head.lastIndexOf(" ");
    const at = space > head.length / 2 ? space + 1 : head.length;
    rows.push(text.slice(0, at));
    text = text.slice(at);
    width = rest;
  }
  rows.push(text);
  return rows;
}

const CONTINUATION = "      ┆ ";

/**
 * The rows of a finished review, each fitting `columns − 1` terminal columns: a longer line continues on
 * rows that start with `      ┆ `, so nothing a peer chose can be wrapped by the terminal into column 0.
 */
export function fitRows(text: string, columns = REVIEW_COLUMNS): string {
  const max = Math.max(columns, 40) - 1;
  const room = max - displayWidth(CONTINUATION);
  return text
    .split("\n")
    .flatMap((line) => {
      if (displayWidth(line) <= max) return [line];
      const [first, ...rest] = wordRows(line, max, room);
      return [first!, ...rest.map((r) => CONTINUATION + r)];
    })
    .join("\n");
}

export interface ContentOptions {
  /** Show at most this many source lines, then say how many were left out (default: all). */
  readonly maxLines?: number;
  /** Wrap content at this many terminal columns per row (default: what fits REVIEW_COLUMNS − 1 after the gutter). */
  readonly width?: number;
}

const BLANK_RUN = 2;

/** File content behind a numbered gutter; see the module comment for the rules. */
export function contentBlock(text: string, opts: ContentOptions = {}): string[] {
  const src = text.endsWith("\n") ? text.slice(0, -1) : text;
  const lines = src.split("\n");
  const numWidth = Math.max(4, String(lines.length).length);
  const gutter = (n: number | undefined, mark: "│" | "┆") =>
    `  ${n === undefined ? " ".repeat(numWidth) : String(n).padStart(numWidth)} ${mark} `;
  const width = opts.width ?? REVIEW_COLUMNS - 1 - displayWidth(gutter(undefined, "│"));
  const out: string[] = [];
  const limit = Math.min(lines.length, opts.maxLines ?? lines.length);
  let i = 0;
  while (i < limit) {
    let j = i;
    while (j < limit && lines[j]!.trim() === "") j++;
    if (j - i > BLANK_RUN) {
      out.push(`${gutter(undefined, "┆")}… ${j - i} blank lines (${i + 1}–${j}) …`);
      i = j;
      continue;
    }
    const shown = escapeText(lines[i]!.replaceAll("\t", "    "));
    chunks(shown, width).forEach((row, k) => {
      out.push(`${gutter(k === 0 ? i + 1 : undefined, k === 0 ? "│" : "┆")}${row}`);
    });
    i++;
  }
  if (limit < lines.length)
    out.push(`${gutter(undefined, "┆")}… ${lines.length - limit} more lines not shown …`);
  return out;
}

/** The initiator-chosen texts, clearly marked as claims nobody verified. */
export function claimsSection(claims: ReadonlyArray<readonly [string, string]>): string[] {
  return [
    header("unauthenticated claims (chosen by the initiator; nobody verified them)"),
    ...factLines(claims.map(([k, v]) => [k, v === "" ? "(none)" : v] as const)),
  ];
}
