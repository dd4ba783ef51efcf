// The module graph of ARCHITECTURE.md §2, checked on the compiled output (dist/src) in CI.
// A module may import only the modules listed for it; anything else fails `npm run deps`.
const allowed = {
  core: [],
  keys: ["core"],
  bundle: ["core", "keys"],
  script: ["core"],
  policy: ["core"],
  host: ["core", "policy"],
  runner: ["core", "script", "policy", "host", "bundle"],
  audit: ["core", "keys"],
  seal: ["core", "keys"],
  agent: ["core", "keys", "bundle", "script", "policy", "host", "runner", "audit", "seal", "protocol", "store", "jobwire"],
  store: ["core"],
  remote: ["core", "keys", "seal", "store", "bundle", "jobwire"],
  // wire formats of sealed jobs shared by remote (client) and agent (host): docs/spec/sealed-execution.md
  jobwire: ["core", "keys", "seal", "bundle"],
  protocol: ["core"],
  relay: ["core", "protocol"],
  session: ["core", "keys", "protocol"],
  signing: ["core", "keys", "session", "protocol", "bundle", "policy"],
  attest: ["core", "keys", "audit"],
};
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
  from: { path: "^dist/src/(relay|protocol)/" },
  to: { path: "node_modules/(@hpke|@noble|openpgp|age-encryption|sshpk|pkcs11js)" },
});
// Cross-module cycles are impossible because the table above is acyclic; cycles inside one module (a
// recursive-descent parser split over files) are allowed.

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^(dist/src|node_modules)",
    exclude: { path: "\\.test\\.js$" },
    moduleSystems: ["es6", "cjs"],
  },
};
