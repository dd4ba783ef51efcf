import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { after, describe, test } from "node:test";
import { type Fixture, fixture, kindOf } from "../../test/kit/host-fixture.js";
import * as h from "./index.js";

// Permits everything under $DIR (hierarchy style, as Rex's rw-example/readwrite.cedar).
const ALL = (d: string) => `permit(principal, action, resource in file_system::Dir::"${d}");`;

describe("file-system commands: effect and Rex's exact Cedar sequence", () => {
  const fx: Fixture = fixture(ALL);
  const D = fx.dir;
  after(() => fx.cleanup());
  const at = (p: string) => `${D}/${p}`;
  const dir = (p: string) => `Dir::"${p}"`;
  const file = (p: string) => `File::"${p}"`;

  test("cat: permitted, numbered", () => {
    writeFileSync(at("a.txt"), "hello\nworld\n");
    fx.reset();
    assert.equal(h.cat(fx.ctx, at("a.txt")), "hello\nworld\n");
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(D)}`,
      `allow open ${dir(D)}`,
      `allow open ${file(at("a.txt"))}`,
      `allow read ${file(at("a.txt"))}`,
    ]);
    assert.equal(h.cat(fx.ctx, at("a.txt"), { number: true }), "     1\thello\n     2\tworld");
  });

  test("write: append (default) and replace", () => {
    fx.reset();
    h.write(fx.ctx, at("w.txt"), "one");
    h.write(fx.ctx, at("w.txt"), "two");
    assert.equal(readFileSync(at("w.txt"), "utf8"), "onetwo");
    assert.deepEqual(fx.seq().slice(0, 6), [
      `allow open ${dir(D)}`,
      `allow open ${dir(D)}`,
      `allow open ${file(at("w.txt"))}`,
      `allow create ${file(at("w.txt"))}`,
      `allow read ${file(at("w.txt"))}`,
      `allow write ${file(at("w.txt"))}`,
    ]);
    fx.reset();
    h.write(fx.ctx, at("w.txt"), "x", { replace: true });
    assert.equal(readFileSync(at("w.txt"), "utf8"), "x");
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(D)}`,
      `allow open ${dir(D)}`,
      `allow open ${file(at("w.txt"))}`,
      `allow create ${file(at("w.txt"))}`,
      `allow write ${file(at("w.txt"))}`,
    ]);
  });

  test("touch: creates, no symlink following for the directory", () => {
    fx.reset();
    h.touch(fx.ctx, at("t.txt"));
    assert.ok(existsSync(at("t.txt")));
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(D)}`,
      `allow open ${file(at("t.txt"))}`,
      `allow create ${file(at("t.txt"))}`,
    ]);
  });

  test("ls: map of entries, hidden names dropped unless all", () => {
    mkdirSync(at("l"));
    writeFileSync(at("l/x"), "");
    writeFileSync(at("l/.h"), "");
    fx.reset();
    assert.deepEqual(
      h.ls(fx.ctx, at("l")).map((e) => e.name),
      ["x"],
    );
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(at("l"))}`,
      `allow open ${dir(at("l"))}`,
      `allow read ${dir(at("l"))}`,
    ]);
    assert.deepEqual(
      h
        .ls(fx.ctx, at("l"), { all: true })
        .map((e) => e.name)
        .sort(),
      [".h", "x"],
    );
  });

  test("grep: flags i, n, v, c, m", () => {
    writeFileSync(at("g.txt"), "Alpha\nbeta\nALPHA two\n");
    fx.reset();
    assert.deepEqual(h.grep(fx.ctx, "alpha", at("g.txt"), { ignoreCase: true, lineNumber: true }), [
      "1:Alpha",
      "3:ALPHA two",
    ]);
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(D)}`,
      `allow open ${dir(D)}`,
      `allow open ${file(at("g.txt"))}`,
      `allow read ${file(at("g.txt"))}`,
    ]);
    assert.deepEqual(h.grep(fx.ctx, "alpha", at("g.txt"), { ignoreCase: true, invert: true }), ["beta"]);
    assert.deepEqual(h.grep(fx.ctx, "a", at("g.txt"), { count: true }), ["2"]);
    assert.deepEqual(h.grep(fx.ctx, "a", at("g.txt"), { maxCount: 1 }), ["Alpha"]);
  });

  test("tail: default last 10, n(-k) last k, n(k) FIRST k (Rex), from, range", () => {
    writeFileSync(at("n.txt"), Array.from({ length: 12 }, (_, i) => `l${i + 1}`).join("\n"));
    assert.equal(h.tail(fx.ctx, at("n.txt")).length, 10);
    assert.deepEqual(h.tail(fx.ctx, at("n.txt"), { n: -2 }), ["l11", "l12"]);
    assert.deepEqual(h.tail(fx.ctx, at("n.txt"), { n: 2 }), ["l1", "l2"]);
    assert.deepEqual(h.tail(fx.ctx, at("n.txt"), { from: 11 }), ["l11", "l12"]);
    assert.deepEqual(h.tail(fx.ctx, at("n.txt"), { range: [3, 4] }), ["l3", "l4"]);
  });

  test("sed: first occurrence of the whole file, all, regex, in place", () => {
    writeFileSync(at("s.txt"), "a a\na\n");
    assert.equal(h.sed(fx.ctx, "a", "b", at("s.txt")), "b a\na\n");
    assert.equal(h.sed(fx.ctx, "a", "b", at("s.txt"), { all: true }), "b b\nb\n");
    assert.equal(h.sed(fx.ctx, "(a) (a)", "$2-$1", at("s.txt"), { regex: true }), "a-a\na\n");
    fx.reset();
    h.sed(fx.ctx, "a", "z", at("s.txt"), { all: true, inPlace: true });
    assert.equal(readFileSync(at("s.txt"), "utf8"), "z z\nz\n");
    assert.equal(fx.seq().at(-1), `allow write ${file(at("s.txt"))}`);
  });

  test("mkdir: plain and parents (create on each new component)", () => {
    fx.reset();
    h.mkdir(fx.ctx, at("m"));
    assert.ok(statSync(at("m")).isDirectory());
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(D)}`,
      `allow open ${dir(D)}`,
      `allow create ${dir(at("m"))}`,
    ]);
    fx.reset();
    h.mkdir(fx.ctx, at("m/p/q"), { parents: true });
    assert.ok(statSync(at("m/p/q")).isDirectory());
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(at("m"))}`,
      `allow open ${dir(at("m"))}`,
      `allow create ${dir(at("m/p"))}`,
      `allow create ${dir(at("m/p/q"))}`,
    ]);
  });

  test("cp: Rex's seven checks; refuses a non-empty destination without force", () => {
    writeFileSync(at("c1"), "data");
    fx.reset();
    h.cp(fx.ctx, at("c1"), at("c2"));
    assert.equal(readFileSync(at("c2"), "utf8"), "data");
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(D)}`,
      `allow open ${file(at("c1"))}`,
      `allow open ${dir(D)}`,
      `allow open ${file(at("c2"))}`,
      `allow create ${file(at("c2"))}`,
      `allow read ${file(at("c1"))}`,
      `allow write ${file(at("c2"))}`,
    ]);
    assert.equal(
      kindOf(() => h.cp(fx.ctx, at("c1"), at("c2"))),
      "DestinationFileNotEmptyError",
    );
    h.cp(fx.ctx, at("c1"), at("c2"), { force: true });
  });

  test("mv: move with destination context, create and open on the destination", () => {
    writeFileSync(at("m1"), "x");
    fx.reset();
    h.mv(fx.ctx, at("m1"), at("m/m2"));
    assert.ok(existsSync(at("m/m2")) && !existsSync(at("m1")));
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(D)}`,
      `allow open ${file(at("m1"))}`,
      `allow open ${dir(at("m"))}`,
      `allow move ${file(at("m1"))}`,
      `allow create ${file(at("m/m2"))}`,
      `allow open ${file(at("m/m2"))}`,
    ]);
    const moveReq = fx.requests[3]!;
    assert.deepEqual(moveReq.context, {
      destination: { path: at("m/m2"), name: "m2", parent_path: at("m") },
    });
  });

  test("find_files: names only; recursive walk opens and reads each subdirectory", () => {
    mkdirSync(at("f/sub"), { recursive: true });
    writeFileSync(at("f/a.log"), "");
    writeFileSync(at("f/sub/b.log"), "");
    writeFileSync(at("f/c.txt"), "");
    fx.reset();
    assert.deepEqual(h.findFiles(fx.ctx, "*.log", at("f")), ["a.log"]);
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(at("f"))}`,
      `allow open ${dir(at("f"))}`,
      `allow read ${dir(at("f"))}`,
    ]);
    assert.deepEqual(h.findFiles(fx.ctx, "*.log", at("f"), { recursive: true }).sort(), ["a.log", "b.log"]);
  });

  test("wc: lines words bytes", () => {
    writeFileSync(at("wc.txt"), "a b\nc\n");
    assert.deepEqual(h.wc(fx.ctx, at("wc.txt")), { lines: 2, words: 3, bytes: 6 });
    assert.deepEqual(h.wc(fx.ctx, at("wc.txt"), { lines: true }), { lines: 2 });
  });

  test("awk_*: split, field, filter, filter_field, sum, count_unique, filter_range", () => {
    writeFileSync(at("k.csv"), "a,1\nb,2\na,3\n");
    assert.deepEqual(h.awkSplit("x:y", ":"), ["x", "y"]);
    assert.deepEqual(h.awkField(fx.ctx, 1, ",", at("k.csv")), ["a", "b", "a"]);
    assert.deepEqual(h.awkFilter(fx.ctx, "b", at("k.csv")), ["b,2"]);
    assert.deepEqual(h.awkFilterField(fx.ctx, 1, ",", "a", at("k.csv")), ["a,1", "a,3"]);
    assert.equal(h.awkSum(fx.ctx, 2, ",", at("k.csv")), 6);
    assert.deepEqual(h.awkCountUnique(fx.ctx, 1, ",", at("k.csv")), { a: 2, b: 1 });
    assert.deepEqual(h.awkFilterRange(fx.ctx, 2, 3, at("k.csv")), ["b,2", "a,3"]);
    assert.equal(
      kindOf(() => h.awkField(fx.ctx, 0, ",", at("k.csv"))),
      "InvalidArguments",
    );
  });

  test("seq: inclusive, negative step, zero step refused, capped", () => {
    assert.deepEqual(h.seq(1n, 3n), [1n, 2n, 3n]);
    assert.deepEqual(h.seq(3n, 1n, -1n), [3n, 2n, 1n]);
    assert.equal(
      kindOf(() => h.seq(1n, 2n, 0n)),
      "InvalidArguments",
    );
    assert.equal(
      kindOf(() => h.seq(1n, 10n ** 12n)),
      "InvalidArguments",
    );
  });

  test("rm: file (delete F) and directory (delete D, recursive)", () => {
    writeFileSync(at("r.txt"), "");
    fx.reset();
    h.rm(fx.ctx, at("r.txt"));
    assert.ok(!existsSync(at("r.txt")));
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(D)}`,
      `allow open ${dir(D)}`,
      `allow open ${file(at("r.txt"))}`,
      `allow delete ${file(at("r.txt"))}`,
    ]);
    fx.reset();
    assert.equal(
      kindOf(() => h.rm(fx.ctx, at("m"))),
      "DirectoryNotEmpty",
    );
    h.rm(fx.ctx, at("m"), { recursive: true });
    assert.ok(!existsSync(at("m")));
  });

  test("symlinked directory: checked under the given and the resolved path", () => {
    mkdirSync(at("real"));
    writeFileSync(at("real/f"), "r");
    symlinkSync(at("real"), at("link"));
    fx.reset();
    assert.equal(h.cat(fx.ctx, at("link/f")), "r");
    assert.deepEqual(fx.seq(), [
      `allow open ${dir(at("link"))}`,
      `allow open ${dir(at("real"))}`,
      `allow open ${file(at("real/f"))}`,
      `allow read ${file(at("real/f"))}`,
    ]);
    // touch/cp/mv do not follow: a symlinked directory component fails.
    assert.equal(
      kindOf(() => h.touch(fx.ctx, at("link/new"))),
      "DirectoryOpenError",
    );
  });
});

describe("file-system commands: denied", () => {
  // Only reading is allowed under $DIR/ro; nothing else.
  const fx: Fixture = fixture(
    (d) =>
      `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"${d}");`,
  );
  after(() => fx.cleanup());
  const at = (p: string) => `${fx.dir}/${p}`;

  test("every mutating command is denied with Rex's message and kind", () => {
    writeFileSync(at("a"), "x");
    mkdirSync(at("d"));
    const cases: Array<[string, () => unknown, string]> = [
      ["write", () => h.write(fx.ctx, at("a"), "y"), "create"],
      ["touch", () => h.touch(fx.ctx, at("n")), "create"],
      ["mkdir", () => h.mkdir(fx.ctx, at("m")), "create"],
      ["rm", () => h.rm(fx.ctx, at("a")), "delete"],
      ["cp", () => h.cp(fx.ctx, at("a"), at("b")), "create"],
      ["mv", () => h.mv(fx.ctx, at("a"), at("d/a")), "move"],
      ["sed", () => h.sed(fx.ctx, "x", "y", at("a"), { inPlace: true }), "write"],
    ];
    for (const [name, fn, verb] of cases) {
      fx.reset();
      let err: h.HostError | undefined;
      try {
        fn();
      } catch (e) {
        err = e as h.HostError;
      }
      assert.ok(err, `${name} must fail`);
      assert.equal(err.kind, "PermissionDenied", name);
      assert.match(
        err.message,
        new RegExp(
          `^Permission denied: tester unauthorized to perform file_system::Action::"${verb}" for file_system::`,
        ),
      );
      assert.equal(fx.trail.at(-1)?.decision, "deny", name);
    }
    assert.equal(readFileSync(at("a"), "utf8"), "x");
    assert.ok(!existsSync(at("n")) && !existsSync(at("m")) && !existsSync(at("b")));
  });

  test("reads outside the permitted tree are denied at the first open", () => {
    fx.reset();
    assert.equal(
      kindOf(() => h.cat(fx.ctx, "/etc/hostname")),
      "PermissionDenied",
    );
    assert.deepEqual(fx.seq(), [`deny open Dir::"/etc"`]);
    for (const fn of [
      () => h.ls(fx.ctx, "/etc"),
      () => h.grep(fx.ctx, "x", "/etc/passwd"),
      () => h.tail(fx.ctx, "/etc/passwd"),
      () => h.wc(fx.ctx, "/etc/passwd"),
      () => h.findFiles(fx.ctx, "*", "/etc"),
      () => h.awkField(fx.ctx, 1, ":", "/etc/passwd"),
    ]) {
      assert.equal(kindOf(fn), "PermissionDenied");
    }
  });
});
