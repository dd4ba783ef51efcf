import { RhaiError } from "./errors.js";
import {
  type InterpPart,
  mk,
  mkNum,
  RESERVED_SYMBOLS,
  SYMBOLS_BY_CODE,
  type Token,
  WORD_KIND,
} from "./tokens.js";
import { normInt } from "./values.js";

type Quote = '"' | "`" | "'";

/** Escapes with a fixed meaning in `"…"` strings and `'…'` chars (Rhai has no `\0`). */
const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
  ["\\", "\\"],
]);

/** Symbols Rhai's TokenIterator turns into `LexError::ImproperSymbol` (BadInput), with its hint. */
const IMPROPER_SYMBOLS: ReadonlyMap<string, string> = new Map([
  ["===", "'===' is not a valid operator. This is not JavaScript! Should it be '=='?"],
  ["!==", "'!==' is not a valid operator. This is not JavaScript! Should it be '!='?"],
  ["->", "'->' is not a valid symbol. This is not C or C++!"],
  ["<-", "'<-' is not a valid symbol. This is not Go! Should it be '<='?"],
  [":=", "':=' is not a valid assignment operator. This is not Go or Pascal! Should it be simply '='?"],
  [":;", "':;' is not a valid symbol. Should it be '::'?"],
  ["::<", "'::<>' is not a valid symbol. This is not Rust! Should it be '::'?"],
  ["(*", "'(* .. *)' is not a valid comment format. This is not Pascal! Should it be '/* .. */'?"],
  ["*)", "'(* .. *)' is not a valid comment format. This is not Pascal! Should it be '/* .. */'?"],
]);

/** Rhai maps every lexical error to `ParseError:BadInput` except over-long literals. */
function lexErr(kind: string, msg: string, line: number, col: number): RhaiError {
  const k = kind === "LiteralTooLarge" ? kind : "BadInput";
  return new RhaiError(`ParseError:${k}`, `${msg} (${kind})`, { position: { line, column: col } });
}

function isDigitOr_(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 95;
}
/**
 * ASCII letters and `_`, as Rhai's default build (`is_id_first_alphabetic` without the `unicode-xid-ident`
 * feature, which Rex's `rhai = "1.20"` does not enable): a non-ASCII identifier would run here and fail
 * under rex-runner.
 */
function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

/** Tokenizer state over a whole source; `tokenize` returns tokens until EOF or an unmatched `}`. */
export class Lexer {
  i = 0;
  line = 1;
  lineStart = 0;
  /** Surrogate pairs counted on the current line up to offset `pairsTo` (columns count characters). */
  private pairs = 0;
  private pairsTo = 0;
  constructor(
    readonly src: string,
    readonly maxStringSize: number,
  ) {}

  /** The 1-based column of offset `at` on the current line, in characters (Rhai counts chars, not UTF-16 units). */
  col(at = this.i): number {
    const s = this.src;
    if (at < this.pairsTo || this.pairsTo < this.lineStart) {
      this.pairs = 0;
      this.pairsTo = this.lineStart;
    }
    let k = this.pairsTo;
    while (k < at) {
      const c = s.charCodeAt(k);
      if (c < 0xd800 || c > 0xdbff) k++;
      else if (k + 1 === at) break;
      else if ((s.charCodeAt(k + 1) & 0xfc00) === 0xdc00) {
        this.pairs++;
        k += 2;
      } else k++;
    }
    this.pairsTo = k;
    return at - this.lineStart + 1 - this.pairs;
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
    this.pairs = 0;
    this.pairsTo = this.lineStart;
  }

  /** Skips whitespace and comments; returns true when a newline was crossed. */
  private skip(): boolean {
    const s = this.src;
    let nl = false;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 10) {
        this.newline(this.i);
        nl = true;
        this.i++;
      } else if (c === 32 || c === 9 || c === 13 || c === 0xfeff || c === 12 || c === 11) this.i++;
      else if (c === 47 && s.charCodeAt(this.i + 1) === 47) {
        while (this.i < s.length && s.charCodeAt(this.i) !== 10) this.i++;
      } else if (c === 47 && s.charCodeAt(this.i + 1) === 42) {
        const l = this.line;
        const cc = this.col();
        this.i += 2;
        let depth = 1;
        while (depth > 0) {
          if (this.i >= s.length) throw lexErr("UnterminatedComment", "unterminated comment", l, cc);
          const d = s.charCodeAt(this.i);
          if (d === 10) this.newline(this.i);
          if (d === 47 && s.charCodeAt(this.i + 1) === 42) {
            depth++;
            this.i += 2;
          } else if (d === 42 && s.charCodeAt(this.i + 1) === 47) {
            depth--;
            this.i += 2;
          } else this.i++;
        }
      } else if (c === 35 && s.charCodeAt(this.i + 1) === 33 && this.i === 0) {
        while (this.i < s.length && s.charCodeAt(this.i) !== 10) this.i++;
      } else break;
    }
    return nl;
  }

  /** The next token of the main stream (EOF repeats). Used by the parser to lex on demand. */
  nextToken(): Token {
    const nl = this.skip();
    const line = this.line;
    const col = this.col();
    if (this.i >= this.src.length) return mk("eof", "", line, col, this.i, nl);
    const tok = this.one(line, col);
    if (nl) tok.nl = true;
    return tok;
  }

  tokenize(stopAtBrace: boolean, out: Token[] = []): Token[] {
    const s = this.src;
    let depth = 0;
    for (;;) {
      const nl = this.skip();
      const line = this.line;
      const col = this.col();
      if (this.i >= s.length) {
        if (stopAtBrace) throw lexErr("UnexpectedEOF", "unterminated string interpolation", line, col);
        out.push(mk("eof", "", line, col, this.i, nl));
        return out;
      }
      const tok = this.one(line, col);
      if (nl) tok.nl = true;
      if (stopAtBrace) {
        if (tok.k === "{" || tok.k === "#{") depth++;
        else if (tok.k === "}") {
          if (depth === 0) {
            out.push(mk("eof", "", line, col, this.i));
            return out;
          }
          depth--;
        }
      }
      out.push(tok);
    }
  }

  private one(line: number, col: number): Token {
    const s = this.src;
    const c = s.charCodeAt(this.i);
    const start = this.i;
    if (c >= 48 && c <= 57) return this.number(line, col);
    if (isIdStart(c)) {
      let j = this.i + 1;
      while (j < s.length && isIdChar(s.charCodeAt(j))) j++;
      const w = s.slice(this.i, j);
      this.i = j;
      return mk(WORD_KIND.get(w) ?? "id", w, line, col, j);
    }
    if (c === 34) return this.string(line, col);
    if (c === 96) return this.backtick(line, col);
    if (c === 39) return this.char(line, col);
    if (c === 35 && (s[this.i + 1] === '"' || s[this.i + 1] === "#")) {
      let j = this.i;
      while (s[j] === "#") j++;
      if (s[j] === '"') return this.raw(line, col, j - this.i);
    }
    // `# {` (one space): tokenizer.rs reads it as one reserved symbol, an improper one
    if (c === 35 && s[this.i + 1] === " " && s[this.i + 2] === "{")
      throw lexErr("ImproperSymbol", "'#' is not a valid symbol. Should it be '#{'?", line, col);
    // `!in` operator
    if (c === 33 && s.startsWith("in", this.i + 1) && !isIdChar(s.charCodeAt(this.i + 3))) {
      this.i += 3;
      return mk("!in", "!in", line, col, this.i);
    }
    const cands = c < 128 ? SYMBOLS_BY_CODE[c] : undefined;
    if (cands)
      for (const sym of cands) {
        if (sym.length === 1 || s.startsWith(sym, start)) {
          const improper = IMPROPER_SYMBOLS.get(sym);
          if (improper !== undefined) throw lexErr("ImproperSymbol", improper, line, col);
          this.i += sym.length;
          return mk(RESERVED_SYMBOLS.has(sym) ? "reserved" : sym, sym, line, col, this.i);
        }
      }
    const one = s[start];
    throw lexErr("BadInput", `unexpected character '${one}'`, line, col);
  }

  private number(line: number, col: number): Token {
    const s = this.src;
    let j = this.i;
    const bad = () => lexErr("MalformedNumber", `malformed number '${s.slice(this.i, j)}'`, line, col);
    const radix = s[j] === "0" ? s[j + 1]?.toLowerCase() : undefined;
    if (radix === "x" || radix === "o" || radix === "b") {
      const p = radix;
      const re = p === "x" ? /[0-9a-fA-F_]/ : p === "o" ? /[0-7_]/ : /[01_]/;
      j += 2;
      const ds = j;
      while (j < s.length && (re.test(s.charAt(j)) || isIdChar(s.charCodeAt(j)))) j++;
      const digits = s.slice(ds, j).replace(/_/g, "");
      if (digits === "" || !new RegExp(`^${re.source.replace("_", "")}+$`).test(digits)) throw bad();
      if (s[j] === "." && /[0-9a-zA-Z_]/.test(s[j + 1] ?? "")) {
        j++;
        throw bad();
      }
      let b = BigInt(`0${p}${digits}`);
      if (b > 0xffffffffffffffffn) throw bad();
      if (b > 0x7fffffffffffffffn) b -= 0x10000000000000000n;
      this.i = j;
      return mkNum("int", normInt(b), line, col, j);
    }
    while (j < s.length && isDigitOr_(s.charCodeAt(j))) j++;
    let isFloat = false;
    if (s[j] === "." && s[j + 1] !== "." && !isIdStart(s.charCodeAt(j + 1))) {
      isFloat = true;
      j++;
      while (j < s.length && isDigitOr_(s.charCodeAt(j))) j++;
    }
    if ((s[j] === "e" || s[j] === "E") && /[0-9+-]/.test(s[j + 1] ?? "")) {
      let k = j + 1;
      if (s[k] === "+" || s[k] === "-") k++;
      if (/[0-9]/.test(s[k] ?? "")) {
        isFloat = true;
        j = k;
        while (j < s.length && /[0-9_]/.test(s.charAt(j))) j++;
      }
    }
    if (j < s.length && isIdChar(s.charCodeAt(j))) {
      while (j < s.length && isIdChar(s.charCodeAt(j))) j++;
      throw bad();
    }
    let text = s.slice(this.i, j);
    if (text.includes("_")) text = text.replace(/_/g, "");
    this.i = j;
    if (isFloat) return mkNum("float", Number.parseFloat(text), line, col, j);
    if (text.length < 16) return mkNum("int", Number(text), line, col, j);
    const b = BigInt(text);
    // 2^63 is i64::MIN right after a unary minus, else a float; the parser decides
    if (b === 0x8000000000000000n) return mkNum("int", b, line, col, j);
    // beyond i64 a decimal literal is a float (tokenizer.rs falls back to FloatWrapper::from_str)
    if (b > 0x7fffffffffffffffn) return mkNum("float", Number.parseFloat(text), line, col, j);
    return mkNum("int", normInt(b), line, col, j);
  }

  private checkSize(str: string, line: number, col: number): void {
    if (this.maxStringSize > 0 && str.length > this.maxStringSize / 3) {
      if (Buffer.byteLength(str, "utf8") > this.maxStringSize)
        throw lexErr("LiteralTooLarge", "string literal too large", line, col);
    }
  }

  /**
   * Reads the escape sequence at a backslash (this.i) inside a literal delimited by `quote`; returns its
   * text, or null when the backslash is literal text. The one escape routine of every literal kind:
   * `"…"` and `'…'` take `\n \r \t \\ \xHH \uHHHH \UHHHHHHHH` and an escaped quote (and `"…"` a line
   * continuation: backslash, newline, then indentation up to `indent` columns is skipped); a backtick
   * string takes only `\${` (a literal `${`), every other backslash being text.
   */
  private escape(quote: Quote, line: number, col: number, indent = 0): string | null {
    const s = this.src;
    const e = s[this.i + 1];
    if (quote === "`") {
      if (e !== "$" || s[this.i + 2] !== "{") return null;
      this.i += 3;
      return "${";
    }
    if (quote === '"' && (e === "\n" || (e === "\r" && s[this.i + 2] === "\n"))) {
      this.i += e === "\n" ? 1 : 2;
      this.newline(this.i);
      this.i++;
      let skipped = 0;
      while (skipped < indent && (s[this.i] === " " || s[this.i] === "\t")) {
        this.i++;
        skipped++;
      }
      return "";
    }
    // Rhai reports a malformed escape at the character that breaks it (tokenizer.rs parse_string_literal)
    if (e === undefined) throw lexErr("UnterminatedString", "unterminated string", line, col);
    const bad = (at: number) =>
      lexErr(
        "MalformedEscapeSequence",
        `malformed escape '${s.slice(this.i, at + 1)}'`,
        this.line,
        this.col(at),
      );
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) {
      this.i += 2;
      return simple;
    }
    if (e === quote) {
      this.i += 2;
      return quote;
    }
    const len = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (len === 0) throw bad(this.i + 1);
    const hex = s.slice(this.i + 2, this.i + 2 + len);
    const nonHex = hex.search(/[^0-9a-fA-F]/);
    if (nonHex >= 0) throw bad(this.i + 2 + nonHex);
    // input ends inside the escape: the position of the last character read
    if (hex.length !== len) throw bad(s.length - 1);
    const cp = Number.parseInt(hex, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw bad(this.i + 1 + len);
    this.i += 2 + len;
    return String.fromCodePoint(cp);
  }

  /**
   * Reads a `"…"` or backtick string after its opening quote: a doubled quote stands for the quote,
   * backslashes go through {@link escape}; a backtick string spans lines and splits at `${…}` blocks
   * (lexed as token lists). Returns the text parts.
   */
  private quoted(quote: '"' | "`", line: number, col: number, indent: number): InterpPart[] {
    const s = this.src;
    const parts: InterpPart[] = [];
    let text = "";
    for (;;) {
      if (this.i >= s.length) throw lexErr("UnterminatedString", "unterminated string", line, col);
      const c = s[this.i];
      if (c === quote) {
        if (s[this.i + 1] === quote) {
          text += quote;
          this.i += 2;
          continue;
        }
        this.i++;
        break;
      }
      if (c === "\\") {
        const e = this.escape(quote, line, col, indent);
        if (e !== null) {
          text += e;
          continue;
        }
      } else if (c === "\n") {
        if (quote === '"') throw lexErr("UnterminatedString", "unterminated string", line, col);
        this.newline(this.i);
      } else if (quote === "`" && c === "$" && s[this.i + 1] === "{") {
        if (text !== "") parts.push(text);
        text = "";
        this.i += 2;
        parts.push(this.tokenize(true));
        continue;
      }
      text += c;
      this.i++;
    }
    if (text !== "" || parts.length === 0) parts.push(text);
    return parts;
  }

  private string(line: number, col: number): Token {
    // a line continuation skips indentation up to the column just after the opening quote
    const indent = this.col();
    this.i++;
    const parts = this.quoted('"', line, col, indent);
    const text = parts[0];
    if (typeof text !== "string" || parts.length !== 1)
      throw lexErr("BadInput", "malformed string", line, col);
    this.checkSize(text, line, col);
    return mk("str", text, line, col, this.i);
  }

  private raw(line: number, col: number, hashes: number): Token {
    const s = this.src;
    this.i += hashes + 1;
    const close = `"${"#".repeat(hashes)}`;
    const endAt = s.indexOf(close, this.i);
    if (endAt < 0) throw lexErr("UnterminatedString", "unterminated raw string", line, col);
    const text = s.slice(this.i, endAt);
    for (let k = this.i; k < endAt; k++) if (s.charCodeAt(k) === 10) this.newline(k);
    this.i = endAt + close.length;
    this.checkSize(text, line, col);
    return mk("str", text, line, col, this.i);
  }

  private char(line: number, col: number): Token {
    const s = this.src;
    this.i++;
    let ch: string;
    if (s[this.i] === "\\") {
      const e = this.escape("'", line, col);
      if (e === null) throw lexErr("MalformedChar", "malformed character literal", line, col);
      ch = e;
    } else {
      const cp = s.codePointAt(this.i);
      if (cp === undefined || s[this.i] === "'" || s[this.i] === "\n")
        throw lexErr("MalformedChar", "malformed character literal", line, col);
      ch = String.fromCodePoint(cp);
      this.i += ch.length;
    }
    if (s[this.i] !== "'") throw lexErr("MalformedChar", "malformed character literal", line, col);
    this.i++;
    return mk("char", ch, line, col, this.i);
  }

  private backtick(line: number, col: number): Token {
    const s = this.src;
    const start = this.i;
    this.i++;
    // a newline right after the opening backtick is not part of the string
    if (s[this.i] === "\n") {
      this.newline(this.i);
      this.i++;
    } else if (s[this.i] === "\r" && s[this.i + 1] === "\n") {
      this.i++;
      this.newline(this.i);
      this.i++;
    }
    const parts = this.quoted("`", line, col, 0);
    const only = parts[0];
    if (typeof only === "string" && parts.length === 1) {
      this.checkSize(only, line, col);
      return mk("str", only, line, col, this.i);
    }
    for (const p of parts) if (typeof p === "string") this.checkSize(p, line, col);
    const tok = mk("interp", s.slice(start, this.i), line, col, this.i);
    tok.parts = parts;
    return tok;
  }
}

/** Tokenizes a whole source. Throws RhaiError `ParseError:*` on lexical errors. */
export function tokenize(src: string, maxStringSize: number): Token[] {
  return new Lexer(src, maxStringSize).tokenize(false);
}
