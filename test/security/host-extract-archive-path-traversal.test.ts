import assert from "node:assert/strict";
import { test } from "node:test";
import { extractHostile, rawTar, rawTarEntry } from "../kit/archive-attack.js";

const file = (name: string, text = "pwned") => rawTarEntry({ name, data: Buffer.from(text) });

// A name that leaves the destination refuses the whole archive before anything is written (Rex leaves it
// to cap-std per entry); a legitimate entry before it is not extracted either.
for (const name of ["../outside/evil", "a/../../outside/evil", "/tmp/sigrun-abs-evil", "./../outside/evil"]) {
  test(`an entry named ${JSON.stringify(name)} refuses the archive and writes nothing`, async () => {
    const r = await extractHostile({ tar: rawTar([file("ok.txt", "fine"), file(name)]) });
    assert.equal(r.status, "ERROR");
    assert.match(
      r.message,
      /InvalidPath: Invalid path: archive entry (leaves the destination directory|is an absolute path)/,
    );
    assert.deepEqual(r.out, []);
    assert.deepEqual(r.outside, []);
  });
}

test("a traversal hidden in the ustar prefix field is refused too", async () => {
  const r = await extractHostile({
    tar: rawTar([rawTarEntry({ name: "evil", prefix: "..", data: Buffer.from("x") })]),
  });
  assert.equal(r.status, "ERROR");
  assert.deepEqual(r.out, []);
  assert.deepEqual(r.outside, []);
});

test("a directory entry named .. is refused", async () => {
  const r = await extractHostile({ tar: rawTar([rawTarEntry({ name: "../", type: "5" })]) });
  assert.equal(r.status, "ERROR");
  assert.deepEqual(r.outside, []);
});

test("control: ./-prefixed names (tar -C dir .) extract inside the destination", async () => {
  const r = await extractHostile({
    tar: rawTar([
      rawTarEntry({ name: "./", type: "5" }),
      rawTarEntry({ name: "./d/", type: "5" }),
      file("./d/f.txt", "ok"),
    ]),
  });
  assert.equal(r.status, "SUCCESS", r.message);
  assert.deepEqual(r.out, ["d", "d/f.txt"]);
});
