import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, test } from "node:test";
import { fixture, kindOf } from "../../../test/kit/host-fixture.js";
import { openFileFromPath } from "./file.js";
import { readFileLines, readPage } from "./file-search.js";
import { extractStrings } from "./file-strings.js";

const fx = fixture((d) => `permit(principal, action, resource in file_system::Dir::"${d}");`);
after(() => fx.cleanup());
const open = (name: string, text: string | Buffer) => {
  writeFileSync(`${fx.dir}/${name}`, text);
  return openFileFromPath(fx.ctx, `${fx.dir}/${name}`);
};

test("read_page continues where it stopped; lines as Rust's BufRead::lines", () => {
  const f = open("p", "one\r\ntwo\nthree\r");
  assert.deepEqual(readPage(f, 1), ["one"]);
  assert.deepEqual(readPage(f, 5), ["two", "three\r"]); // an unterminated last line keeps its \r
  assert.deepEqual(readPage(f, 5), []);
});

test("a line longer than the 64 KiB read chunk comes back whole", () => {
  const long = "x".repeat(200_000);
  const f = open("long", `a\n${long}\nb\n`);
  assert.deepEqual(readPage(f, 1), ["a"]);
  assert.deepEqual(readPage(f, 1), [long]);
  assert.deepEqual(readPage(f, 1), ["b"]);
});

test("whole-file reads reset the page position (Rex rewinds after them)", () => {
  const f = open("r", "1\n2\n3\n");
  assert.deepEqual(readPage(f, 2), ["1", "2"]);
  assert.deepEqual(readFileLines(f, { count: 1 }), ["1"]);
  assert.deepEqual(readPage(f, 2), ["1", "2"]);
});

test("num_lines must be positive; invalid UTF-8 is an IoError", () => {
  const f = open("u", Buffer.from([0x61, 0x0a, 0xff, 0x0a]));
  assert.equal(
    kindOf(() => readPage(f, 0)),
    "ValidationError",
  );
  assert.deepEqual(readPage(f, 1), ["a"]);
  assert.equal(
    kindOf(() => readPage(f, 1)),
    "IoError",
  );
});

test("extract_strings splits on unprintable bytes and keeps runs of 4 or more", () => {
  const f = open(
    "s",
    Buffer.concat([Buffer.from("ab\x00abcd\x01"), Buffer.alloc(70_000, 0x41), Buffer.from("\x00xyz!")]),
  );
  assert.deepEqual(extractStrings(f), ["abcd", "A".repeat(70_000), "xyz!"]);
});
