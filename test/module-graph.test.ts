// The module graph of ARCHITECTURE.md §2 is enforced on the sources (scripts/check-imports.mjs): the
// real tree passes, and every forbidden edge, injected as a type-only import into a copy of the tree,
// is reported — as are crypto in the relay, a module missing from the table, cli imports and src → test.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(new URL("../..", import.meta.url).pathname);
const { checkImports, readSources } = (await import(
  join(root, "scripts", "check-imports.mjs")
)) as typeof import("../scripts/check-imports.mjs");
const { allowed } = createRequire(import.meta.url)(join(root, "scripts", "module-graph.cjs")) as {
  allowed: Record<string, string[]>;
};
const files = readSources(root);

function withFile(path: string, text: string): Map<string, string> {
  const copy = new Map(files);
  copy.set(path, (copy.get(path) ?? "") + text);
  return copy;
}

test("the tree respects the module graph", () => {
  assert.deepEqual(checkImports(files), []);
});

test("every forbidden edge, even type-only, fails the check", () => {
  const mods = Object.keys(allowed);
  let injected = 0;
  for (const from of mods) {
    for (const to of mods) {
      if (to === from || allowed[from]!.includes(to)) continue;
      const v = checkImports(
        withFile(`${from}/zz-injected.ts`, `import type { X } from "../${to}/index.js";\n`),
      );
      assert.equal(v.length, 1, `${from} → ${to} must be reported`);
      assert.match(v[0]!, new RegExp(`${from} may not import ${to}`));
      injected++;
    }
  }
  assert.ok(injected > 150, `checked ${injected} forbidden edges`);
});

test("relay and protocol import no crypto, not even node:crypto", () => {
  for (const spec of ["node:crypto", "crypto", "@noble/curves/ed25519.js", "@hpke/core"]) {
    for (const mod of ["relay", "protocol"]) {
      const v = checkImports(withFile(`${mod}/zz.ts`, `import { x } from "${spec}";\n`));
      assert.equal(v.length, 1, `${mod} → ${spec}`);
    }
  }
});

test("a module missing from the table, an import of cli, and src → test are reported", () => {
  assert.match(
    checkImports(withFile("newmod/index.ts", "export const a = 1;\n"))[0]!,
    /not in the module table/,
  );
  assert.match(
    checkImports(withFile("bundle/zz.ts", 'import "../cli/main.js";\n'))[0]!,
    /nothing imports cli/,
  );
  assert.match(
    checkImports(withFile("relay/zz.ts", 'export { a } from "../../test/kit/relay.js";\n'))[0]!,
    /outside src/,
  );
  assert.match(
    checkImports(withFile("core/zz.ts", 'const m = await import("../keys/index.js");\n'))[0]!,
    /core may not import keys/,
  );
});
