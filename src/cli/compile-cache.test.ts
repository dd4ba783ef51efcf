import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { compileCacheDir } from "./compile-cache.js";

const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sigrun-compile-cache-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `sigrun --version` with the given environment additions; must answer within the timeout. */
function version(env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const base = { ...process.env };
  delete base.NODE_COMPILE_CACHE;
  delete base.SIGRUN_NO_COMPILE_CACHE;
  const r = spawnSync(process.execPath, [MAIN, "--version"], {
    encoding: "utf8",
    env: { ...base, ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Files Node wrote under the cache directory (it keeps them in one subdirectory per Node version). */
function cached(cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir, { recursive: true, encoding: "utf8" });
}

test("compile cache directory: XDG_CACHE_HOME when absolute, else ~/.cache; off with SIGRUN_NO_COMPILE_CACHE=1", () => {
  const home = () => "/home/u";
  assert.equal(compileCacheDir({ XDG_CACHE_HOME: "/c" }, home), "/c/sigrun/compile-cache");
  assert.equal(compileCacheDir({ XDG_CACHE_HOME: "rel" }, home), "/home/u/.cache/sigrun/compile-cache");
  assert.equal(compileCacheDir({}, home), "/home/u/.cache/sigrun/compile-cache");
  assert.equal(compileCacheDir({ SIGRUN_NO_COMPILE_CACHE: "1" }, home), undefined);
  assert.equal(
    compileCacheDir({}, () => ""),
    undefined,
  );
});

test("the CLI fills the compile cache under XDG_CACHE_HOME, private to the user", () => {
  const xdg = join(dir, "xdg");
  const r = version({ XDG_CACHE_HOME: xdg });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "0.1.0");
  const cacheDir = join(xdg, "sigrun", "compile-cache");
  assert.ok(cached(cacheDir).length > 1, "no compiled code cached");
  assert.equal(readdirSync(join(xdg, "sigrun")).length, 1);
  // a second run reads it and still answers the same
  assert.equal(version({ XDG_CACHE_HOME: xdg }).stdout.trim(), "0.1.0");
});

test("SIGRUN_NO_COMPILE_CACHE=1 writes no cache", () => {
  const xdg = join(dir, "off");
  const r = version({ XDG_CACHE_HOME: xdg, SIGRUN_NO_COMPILE_CACHE: "1" });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "0.1.0");
  assert.equal(existsSync(xdg), false);
});

test("an unusable cache directory never fails or stalls the CLI", () => {
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  const shared = join(dir, "shared");
  mkdirSync(join(shared, "sigrun", "compile-cache"), { recursive: true });
  chmodSync(join(shared, "sigrun", "compile-cache"), 0o777);
  // below /proc, Node's own recursive mkdir loops forever; ours gives up
  for (const xdg of [file, join(file, "below"), "/proc/sigrun-no-such-dir", shared]) {
    const r = version({ XDG_CACHE_HOME: xdg });
    assert.equal(r.code, 0, `${xdg}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), "0.1.0", xdg);
    assert.equal(r.stderr, "", xdg);
  }
  // a directory others can write to is not trusted with code
  assert.deepEqual(cached(join(shared, "sigrun", "compile-cache")), []);
});
