// The published package as a consumer sees it: `npm pack`, the tarball unpacked into an empty project
// (its dependencies linked from this checkout's node_modules, so no network), then every subpath in
// package.json's `exports` imported from JavaScript, and a TypeScript consumer type-checked against the
// shipped declarations.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(new URL("../..", import.meta.url).pathname);
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test("the packed tarball installs, every subpath imports, and a TypeScript consumer type-checks", () => {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-consumer-"));
  try {
    const out = JSON.parse(
      sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], root),
    );
    const files: string[] = out[0].files.map((f: { path: string }) => f.path);
    assert.ok(!files.some((f) => /\.test\.|\/testing\//.test(f)), "no tests or test helpers in the tarball");
    const nm = join(dir, "node_modules");
    mkdirSync(join(nm, "sigrun"), { recursive: true });
    sh("tar", ["xzf", join(dir, out[0].filename), "-C", join(nm, "sigrun"), "--strip-components=1"], dir);
    for (const dep of Object.keys(pkg.dependencies)) {
      const [scope] = dep.split("/");
      if (dep.startsWith("@")) mkdirSync(join(nm, scope!), { recursive: true });
      symlinkSync(join(root, "node_modules", dep), join(nm, dep));
    }
    mkdirSync(join(nm, "@types"), { recursive: true });
    symlinkSync(join(root, "node_modules", "@types", "node"), join(nm, "@types", "node"));
    writeFileSync(join(dir, "package.json"), '{"name":"consumer","type":"module","private":true}\n');

    const subpaths = Object.keys(pkg.exports).filter((k) => k !== "./package.json");
    for (const need of [
      ".",
      "./bundle",
      "./keys",
      "./script",
      "./policy",
      "./runner",
      "./agent",
      "./relay",
      "./signing",
      "./audit",
    ])
      assert.ok(subpaths.includes(need), `exports has ${need}`);
    const specifiers = subpaths.map((s) => (s === "." ? "sigrun" : `sigrun/${s.slice(2)}`));
    writeFileSync(
      join(dir, "consumer.mjs"),
      `const out = {};\nfor (const s of ${JSON.stringify(specifiers)}) { const m = await import(s); out[s] = Object.keys(m).length; }\n` +
        "process.stdout.write(JSON.stringify(out));\n",
    );
    const counts = JSON.parse(sh(process.execPath, ["consumer.mjs"], dir));
    for (const s of specifiers) assert.ok(counts[s] > 0, `${s} exports something`);
    // Test helpers are not public API.
    const relay = sh(
      process.execPath,
      ["-e", "import('sigrun/relay').then(m=>process.stdout.write(Object.keys(m).join(',')))"],
      dir,
    );
    assert.doesNotMatch(relay, /createV1|openV1|RawRelaySocket|startTcpProxy/);

    writeFileSync(
      join(dir, "consumer.ts"),
      [
        'import { verifyBundle, SigrunError, isSigrunError, type ErrorCode } from "sigrun";',
        'import { createBundle, parseBundle } from "sigrun/bundle";',
        'import { parsePublicKey } from "sigrun/keys";',
        "const code: ErrorCode = 'BUNDLE_MALFORMED';",
        "const e = new SigrunError(code, 'x');",
        "export const ok: boolean = isSigrunError(e) && typeof verifyBundle === 'function' && typeof createBundle === 'function' && typeof parseBundle === 'function' && typeof parsePublicKey === 'function';",
        "// @ts-expect-error: a code outside the closed union does not type-check",
        "export const bad: ErrorCode = 'NOT_A_CODE';",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          noEmit: true,
          types: ["node"],
        },
        files: ["consumer.ts"],
      }),
    );
    sh(
      process.execPath,
      [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
      dir,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
