// Every ```js example in docs/library.md runs as an ES module in a scratch project whose
// node_modules/sigrun is this checkout, so the examples resolve through package.json's export map
// exactly as a consumer's imports do.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(new URL("../..", import.meta.url).pathname);
const doc = readFileSync(join(root, "docs", "library.md"), "utf8");
const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);

test("docs/library.md has runnable examples", () => {
  assert.ok(blocks.length >= 2);
});

for (const [i, block] of blocks.entries()) {
  test(`docs/library.md example ${i + 1} runs`, () => {
    const dir = mkdtempSync(join(tmpdir(), "sigrun-libdoc-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(root, join(dir, "node_modules", "sigrun"));
      writeFileSync(join(dir, "package.json"), '{"type":"module","private":true}\n');
      writeFileSync(join(dir, "example.mjs"), block);
      const r = spawnSync(process.execPath, ["example.mjs"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
      assert.equal(r.status, 0, `example ${i + 1} failed:\n${block}\n${r.stdout}\n${r.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
