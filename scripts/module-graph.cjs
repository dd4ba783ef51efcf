// The module graph of ARCHITECTURE.md §2: each src/<module> may import only the modules listed for it.
// One table, read by .dependency-cruiser.cjs (compiled output) and scripts/check-imports.mjs (sources,
// type-only imports included). `cli` may import anything and nothing imports it; the root index may
// import any module but cli.
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
  agent: [
    "core",
    "keys",
    "bundle",
    "script",
    "policy",
    "host",
    "runner",
    "audit",
    "seal",
    "protocol",
    "store",
    "jobwire",
  ],
  store: ["core"],
  remote: ["core", "keys", "seal", "store", "bundle", "jobwire"],
  // the sealed-job wire format shared by the client (remote) and the host (agent): manifests, offers, receipts
  jobwire: ["core", "keys", "seal", "bundle"],
  protocol: ["core"],
  relay: ["core", "protocol"],
  session: ["core", "keys", "protocol"],
  signing: ["core", "keys", "session", "protocol", "bundle", "policy"],
  attest: ["core", "keys", "audit"],
};
/** Modules that must stay blind: no key, session or seal crypto, not even node:crypto. */
const noCrypto = ["relay", "protocol"];
const cryptoPackages = [
  "node:crypto",
  "crypto",
  "@hpke",
  "@noble",
  "openpgp",
  "age-encryption",
  "sshpk",
  "pkcs11js",
];
module.exports = { allowed, noCrypto, cryptoPackages };
