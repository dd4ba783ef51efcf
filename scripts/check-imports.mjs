#!/usr/bin/env node
// Checks the module graph of ARCHITECTURE.md §2 on the TypeScript sources, so that type-only imports
// count too (dependency-cruiser sees only the compiled output, where they are erased). Rules:
// a src/<module> imports only the modules scripts/module-graph.cjs allows; every module is in the table;
// nothing imports cli; src never imports test/ or bench/; relay and protocol import no crypto at all.
// Usage: node scripts/check-imports.mjs [root]   (exit 1 and one line per violation)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";

const { allowed, noCrypto, cryptoPackages } = createRequire(import.meta.url)("./module-graph.cjs");
const SPEC =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The module a src-relative path belongs to: `relay` for `relay/node.ts`, `index` for `index.ts`. */
function moduleOf(srcRel) {
  const i = srcRel.indexOf("/");
  return i < 0 ? "index" : srcRel.slice(0, i);
}

/**
 * @param {Map<string, string>} files  src-relative path (posix) → source text, test files excluded
 * @returns {string[]} violations, one line each
 */
export function checkImports(files) {
  const out = [];
  const known = new Set([...Object.keys(allowed), "cli", "index"]);
  for (const [path, text] of files) {
    const from = moduleOf(path);
    if (!known.has(from))
      out.push(`${path}: module "${from}" is not in the module table (scripts/module-graph.cjs)`);
    for (const m of text.matchAll(SPEC)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith(".")) {
        const target = posix.normalize(posix.join(posix.dirname(path), spec));
        if (target.startsWith("../")) {
          out.push(`${path}: imports ${spec}, outside src/ (test helpers and tooling never ship)`);
          continue;
        }
        const to = moduleOf(target);
        if (to === from) continue;
        if (to === "cli") out.push(`${path}: imports cli (${spec}); nothing imports cli`);
        else if (from === "cli" || from === "index") continue;
        else if (!(allowed[from] ?? []).includes(to))
          out.push(
            `${path}: ${from} may not import ${to} (${spec}); allowed: ${(allowed[from] ?? []).join(", ") || "nothing"}`,
          );
      } else if (
        noCrypto.includes(from) &&
        cryptoPackages.some((c) => spec === c || spec.startsWith(`${c}/`))
      ) {
        out.push(
          `${path}: ${from} may not import ${spec} (it stays blind: randomness and hashing come from core)`,
        );
      }
    }
  }
  return out;
}

/** Reads every non-test .ts file under root/src. */
export function readSources(root) {
  const files = new Map();
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts"))
        files.set(relative(join(root, "src"), p).split("\\").join("/"), readFileSync(p, "utf8"));
    }
  };
  walk(join(root, "src"));
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..");
  const files = readSources(root);
  const v = checkImports(files);
  for (const line of v) console.error(`check-imports: ${line}`);
  if (v.length) process.exit(1);
  console.log(
    `check-imports: ${files.size} source files, module graph respected (type-only imports included)`,
  );
}
