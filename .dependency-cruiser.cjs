// The module graph of ARCHITECTURE.md §2, checked on the compiled output (dist/src) in CI.
// A module may import only the modules listed for it; anything else fails `npm run deps`.
const { allowed, noCrypto } = require("./scripts/module-graph.cjs");
const all = Object.keys(allowed);

const forbidden = all.map((mod) => {
  const others = all.filter((m) => m !== mod && !allowed[mod].includes(m));
  return {
    name: `${mod}-imports`,
    comment: `src/${mod} may import only: ${allowed[mod].join(", ") || "nothing"} (ARCHITECTURE.md §2)`,
    severity: "error",
    from: { path: `^dist/src/${mod}/` },
    to: { path: others.length ? `^dist/src/(${others.join("|")}|cli)/` : "^dist/src/cli/" },
  };
});
forbidden.push({
  name: "nothing-imports-cli",
  severity: "error",
  from: { path: "^dist/src/(?!cli/)" },
  to: { path: "^dist/src/cli/" },
});
forbidden.push({
  name: "relay-no-crypto-libs",
  comment: "the relay is blind by construction: no key, session or seal crypto libraries",
  severity: "error",
  from: { path: `^dist/src/(${noCrypto.join("|")})/` },
  to: { path: "node_modules/(@hpke|@noble|openpgp|age-encryption|sshpk|pkcs11js)" },
});
// node:crypto in relay/protocol and type-only imports are checked on the sources by scripts/check-imports.mjs.
forbidden.push({
  name: "module-not-in-the-table",
  comment: "every src/<module> must be listed in scripts/module-graph.cjs (ARCHITECTURE.md §2)",
  severity: "error",
  from: { path: "^dist/src/" },
  to: { path: `^dist/src/(?!(${[...Object.keys(allowed), "cli"].join("|")})/|index\\.js$)` },
});
forbidden.push({
  name: "no-test-kit-in-src",
  comment: "test helpers (test/kit) never ship: library and CLI code may not import them",
  severity: "error",
  from: { path: "^dist/src/" },
  to: { path: "^dist/(test|bench)/" },
});
// Cross-module cycles are impossible because the table above is acyclic; cycles inside one module (a
// recursive-descent parser split over files) are allowed.

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^(dist/src|dist/test|dist/bench|node_modules)",
    exclude: { path: "\\.test\\.js$" },
    moduleSystems: ["es6", "cjs"],
  },
};
