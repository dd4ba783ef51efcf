import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { runCase } from "./conformance.js";

// Rhai's doc-comment examples (`src/packages/*.rs`, every ```rhai block) as a second conformance set:
// test/data/rhai/doc-examples.jsonl, format in test/data/rhai/README.md. Each example must run without
// error and print, line by line, what its `// prints …` comments state (null = no stated output).
// Skipped examples, each with the reason; "example is wrong" means Rhai itself does not behave as the
// comment states (checked against the Rhai source at f1f06ab9), so sigrun follows Rhai, not the comment.
const WRONG = "example is wrong:";
const SKIP: Record<string, string> = {
  "array_basic.rs:177": `${WRONG} the comment drops the closing bracket ("[1, 2, 3")`,
  "array_basic.rs:207": `${WRONG} insert(-2, 42) inserts before the second-last element: [.., 42, 2, 3]`,
  "array_basic.rs:659": `${WRONG} the second for_each starts from the squared array, not the original`,
  "array_basic.rs:744": `${WRONG} filter returns the elements (4, 5), not the products v * i`,
  "array_basic.rs:978": `${WRONG} from index 3 the first element > 1 is x[3] = 4 (index 3), not index 5`,
  "array_basic.rs:1237": `${WRONG} x contains 1, so all(|v| v > 1) is false`,
  "array_basic.rs:2147": `${WRONG} the last line prints y's successor z = [2] ("[1]" is stale)`,
  "array_basic.rs:2172": `${WRONG} the last line prints z = [2] ("[1]" is stale)`,
  "blob_basic.rs:112": `${WRONG} 0x42 is 'B', so the text is "BBBBB"`,
  "blob_basic.rs:254": `${WRONG} Rhai's blob push takes an INT; push(blob) does not exist (append does)`,
  "blob_basic.rs:319": `${WRONG} insert adds a byte: the blob has six bytes [424218424242]`,
  "blob_basic.rs:350": `${WRONG} missing ';' after b.pad(5, 0x18) (a parse error in Rhai too)`,
  "blob_basic.rs:441": `${WRONG} uses an undefined variable x (the blob is b)`,
  "blob_basic.rs:681": `${WRONG} extract(1, 3) of [0102030405] is [020304]`,
  "blob_basic.rs:838": `${WRONG} prints an undefined variable z`,
  "blob_basic.rs:872": `${WRONG} the last line prints b2 again ([0105]), not b3`,
  "blob_basic.rs:899": `${WRONG} the last line prints b2 again ([0105]), not b3`,
  "blob_basic.rs:998": `${WRONG} to_hex does not zero-pad: 0x0302 prints "302"`,
  "blob_basic.rs:1019": `${WRONG} to_hex does not zero-pad: "40302"`,
  "blob_basic.rs:1046": `${WRONG} to_hex does not zero-pad: "302"`,
  "blob_basic.rs:1065": `${WRONG} the stated output "02030000...00" is a placeholder; to_hex gives "203000000000000" (the two bytes fill the high end, no zero-padding)`,
  "blob_basic.rs:1086": `${WRONG} the stated output "0203040000...00" is a placeholder; to_hex gives "203040000000000"`,
  "blob_basic.rs:1113": `${WRONG} the stated output "02030000...00" is a placeholder; to_hex gives "203000000000000"`,
  "blob_basic.rs:1262": `${WRONG} calls write_le_int; Rhai registers this function as write_le`,
  "blob_basic.rs:1281": `${WRONG} calls write_le_int; Rhai registers this function as write_le`,
  "blob_basic.rs:1306": `${WRONG} calls write_le_int; Rhai registers this function as write_le`,
  "blob_basic.rs:1323": `${WRONG} calls write_be_int; Rhai registers this function as write_be`,
  "blob_basic.rs:1342": `${WRONG} calls write_be_int; Rhai registers this function as write_be`,
  "blob_basic.rs:1367": `${WRONG} calls write_be_int; Rhai registers this function as write_be`,
  "iter_basic.rs:486": `${WRONG} a stray '"' after '{' leaves an unterminated string`,
  "lang_core.rs:77": "not implemented: value tags (`.tag` / `set_tag`)",
  "lang_core.rs:92": "not implemented: value tags (`.tag` / `set_tag`)",
  "lang_core.rs:131": "sleeps 10 seconds (sleep(f64) is covered by src/script/stdlib-more.test.ts)",
  "lang_core.rs:152": "sleeps 10 seconds (sleep(i64) is covered by src/script/stdlib-more.test.ts)",
  "lang_core.rs:172": `${WRONG} Rhai prints maps as #{"a": 1, …} (a space after ':')`,
  "map_basic.rs:76": `${WRONG} a stray "'" after set("b", 42) (malformed character literal)`,
  "map_basic.rs:109": `${WRONG} Rhai prints map keys quoted with a space after ':'`,
  "map_basic.rs:130": `${WRONG} Rhai prints map keys quoted with a space after ':'`,
  "map_basic.rs:151": `${WRONG} Rhai prints map keys quoted with a space after ':'`,
  "map_basic.rs:177": `${WRONG} Rhai prints map keys quoted with a space after ':'`,
  "map_basic.rs:309": `${WRONG} Rhai prints maps with a space after ':'`,
  "map_basic.rs:354": `${WRONG} Rhai prints maps with a space after ':'`,
  "map_basic.rs:395": `${WRONG} Rhai prints maps with a space after ':' (and the comment ends with ']')`,
  "map_basic.rs:459": `${WRONG} the comment misses a ':' ("b"2)`,
  "map_basic.rs:528": `${WRONG} to_json writes compact JSON without spaces`,
  "math_basic.rs:317": `${WRONG} parse_int("123.456") is an error in Rhai (not an integer)`,
  "math_basic.rs:569": "parse_decimal needs Rhai's `decimal` feature, which Engine::new() does not have",
  "string_more.rs:267": `${WRONG} after truncate(10) the text is "hello, wor"`,
  "string_more.rs:383": `${WRONG} missing ';' after the first let (a parse error in Rhai too)`,
  "string_more.rs:401": `${WRONG} missing ';' after the first let (a parse error in Rhai too)`,
  "string_more.rs:419": `${WRONG} missing ';' after the first let (a parse error in Rhai too)`,
  "string_more.rs:437": `${WRONG} missing ';' after the first let (a parse error in Rhai too)`,
  "string_more.rs:603": `${WRONG} "hello, world!" ends with '!', not 'w'`,
  "string_more.rs:758": `${WRONG} unterminated string "xx:`,
  "string_more.rs:824": `${WRONG} the second line forgets the first set(3, 'x')`,
  "string_more.rs:1335": `${WRONG} '***' is not a character literal`,
  "string_more.rs:1709": `${WRONG} the comment shows split_rev's output for split`,
  "time_basic.rs:33": "measures a 10-second sleep (stated output '10.???')",
  "time_basic.rs:49": "measures a 10-second sleep (stated output '10.???')",
};

function verdict(c: Record<string, unknown>): string | null {
  const out = runCase(c) as { error?: { kind: string; message: string }; prints: string[] };
  const expected = (c.expect as { prints: (string | null)[] }).prints;
  if (out.error) return `error ${out.error.kind}: ${out.error.message}`;
  if (expected.every((x) => x === null)) return null;
  if (out.prints.length !== expected.length)
    return `prints ${JSON.stringify(out.prints)} vs ${JSON.stringify(expected)}`;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] !== null && expected[i] !== out.prints[i])
      return `line ${i + 1}: ${JSON.stringify(out.prints[i])} != ${JSON.stringify(expected[i])}`;
  }
  return null;
}

test("rhai conformance: doc-comment examples of src/packages", () => {
  const cases = readFileSync("test/data/rhai/doc-examples.jsonl", "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const failures: string[] = [];
  const unexpectedPass: string[] = [];
  let pass = 0;
  for (const c of cases) {
    const id = String(c.id);
    if (id in SKIP) {
      // a skipped example that runs and matches means the skip is stale (long sleeps are not run)
      if (!/sleep/.test(SKIP[id]!) && verdict(c) === null) unexpectedPass.push(id);
      continue;
    }
    const why = verdict(c);
    if (why === null) pass++;
    else failures.push(`${id}: ${why}`);
  }
  process.stdout.write(
    `# rhai doc examples: ${pass}/${cases.length} pass, ${Object.keys(SKIP).length} skipped, ${failures.length} failing\n`,
  );
  assert.deepEqual(failures, []);
  assert.deepEqual(unexpectedPass, [], "skipped examples that now pass: remove them from SKIP");
  assert.ok(cases.length >= 200, `expected the whole extraction, got ${cases.length}`);
});
