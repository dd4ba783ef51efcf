import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../test/kit/agent-fixtures.js";
import { cli, spawnAgent } from "../../test/kit/spawn-agent.js";
import { sha256Hex } from "../core/index.js";
import { publicKeyPem } from "../keys/index.js";
import {
  checkClientRoles,
  checkTokenRules,
  normalizeFingerprint,
  parseClientRoleFlag,
  roleOfCertificate,
  subjectAltNames,
} from "./api-roles.js";
import { parseAgentConfig } from "./config.js";

const FP = "AB:".repeat(31) + "AB";

test("api-roles: --client-role parses the three matchers and refuses anything else", () => {
  assert.deepEqual(parseClientRoleFlag(`submit=sha256:${FP}`), {
    role: "submit",
    fingerprint: "ab".repeat(32),
  });
  assert.deepEqual(parseClientRoleFlag("read=cn:dashboard"), { role: "read", cn: "dashboard" });
  assert.deepEqual(parseClientRoleFlag("read=san:DNS:prom.internal"), {
    role: "read",
    san: "DNS:prom.internal",
  });
  for (const bad of [
    "admin=cn:x",
    "read=cn:",
    "read=sha256:abcd",
    "read=san:nodnsvalue",
    "read",
    "read=subject:x",
  ])
    assert.throws(() => parseClientRoleFlag(bad), { code: "USAGE" }, bad);
  assert.equal(normalizeFingerprint("ab".repeat(32)), "ab".repeat(32));
  assert.equal(normalizeFingerprint("sha256:zz"), undefined);
});

test("api-roles: agent.json clientRoles and tokens are strict", () => {
  const cfg = parseAgentConfig(
    JSON.stringify({
      http: {
        listen: "127.0.0.1:8443",
        clientCa: "/ca.pem",
        clientRoles: [
          { role: "read", fingerprint: `sha256:${FP}` },
          { role: "submit", cn: "ops" },
        ],
        tokens: [{ file: "/etc/sigrun/ci.token", role: "submit" }],
      },
    }),
  );
  assert.deepEqual(cfg.http?.clientRoles?.[0], { role: "read", fingerprint: "ab".repeat(32) });
  assert.deepEqual(cfg.http?.tokens, [{ file: "/etc/sigrun/ci.token", role: "submit" }]);
  for (const rules of [
    [{ role: "admin", cn: "x" }],
    [{ role: "read" }],
    [{ role: "read", cn: "x", san: "DNS:x" }],
    [{ role: "read", cn: "x", extra: 1 }],
    [{ role: "read", fingerprint: "1234" }],
    "read",
  ])
    assert.throws(() => checkClientRoles(rules), { code: "INPUT_INVALID" }, JSON.stringify(rules));
  assert.throws(() => checkTokenRules([{ file: "/t", role: "root" }]), { code: "INPUT_INVALID" });
  assert.throws(() => checkTokenRules([{ file: "", role: "read" }]), { code: "INPUT_INVALID" });
});

test("api-roles: Node's quoted SAN values are decoded after splitting, so a comma never makes a new entry", () => {
  assert.deepEqual(subjectAltNames('DNS:"x\\u002c DNS:ops.internal", DNS:y, URI:spiffe://a/b'), [
    "DNS:x, DNS:ops.internal",
    "DNS:y",
    "URI:spiffe://a/b",
  ]);
  assert.deepEqual(subjectAltNames(undefined), []);
  assert.deepEqual(subjectAltNames('DNS:"unterminated'), []);
});

test("api-roles: a fingerprint pin decides; otherwise the least role of the matching name rules; else none", () => {
  const raw = Buffer.from("certificate der");
  const fp = sha256Hex(raw);
  const cert = { raw, subject: { CN: "ops" } as never, subjectaltname: "DNS:ops.internal" };
  assert.equal(roleOfCertificate([{ role: "submit", cn: "ops" }], cert), "submit");
  assert.equal(
    roleOfCertificate(
      [
        { role: "submit", cn: "ops" },
        { role: "read", san: "DNS:ops.internal" },
      ],
      cert,
    ),
    "read",
  );
  assert.equal(
    roleOfCertificate(
      [
        { role: "submit", fingerprint: fp },
        { role: "read", cn: "ops" },
      ],
      cert,
    ),
    "submit",
    "the pin is about this very certificate",
  );
  assert.equal(
    roleOfCertificate(
      [
        { role: "submit", cn: "op" },
        { role: "submit", fingerprint: "00".repeat(32) },
      ],
      cert,
    ),
    undefined,
  );
  // several CNs (an array) match no cn rule
  assert.equal(
    roleOfCertificate([{ role: "submit", cn: "ops" }], { ...cert, subject: { CN: ["ops", "x"] } as never }),
    undefined,
  );
  assert.equal(
    roleOfCertificate([{ role: "submit", cn: "ops" }], { ...cert, raw: Buffer.alloc(0) }),
    undefined,
  );
});

test("api-roles: http.tokens entries grant their role over HTTP (read lists, cannot submit; submit submits)", async () => {
  const d = tempDir();
  const owner = ownerKey();
  const trust = join(d.path, "trusted");
  mkdirSync(trust);
  writeFileSync(join(trust, "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  writeFileSync(join(d.path, "ci.token"), "ci-0123456789abcdef0123\n");
  writeFileSync(join(d.path, "oncall.token"), "oc-0123456789abcdef0123\n");
  const job = join(d.path, "job.sgb");
  writeFileSync(job, await stubBundle([owner]));
  const config = join(d.path, "agent.json");
  writeFileSync(
    config,
    JSON.stringify({
      hostId: "h1",
      trust: [trust],
      state: join(d.path, "state"),
      http: {
        listen: "127.0.0.1:0",
        tokens: [
          { file: join(d.path, "oncall.token"), role: "read" },
          { file: join(d.path, "ci.token"), role: "submit" },
        ],
      },
    }),
  );
  const a = await spawnAgent(["--config", config]);
  try {
    const as = (t: string): string[] => ["--to", a.url!, "--token-file", join(d.path, t)];
    const denied = cli(["submit", job, "--wait", ...as("oncall.token")]);
    assert.equal(denied.status, 63, denied.stderr);
    const anon = cli(["submit", job, "--wait", "--to", a.url!]);
    assert.equal(anon.status, 63, "a submit token exists: submitting needs it");
    const ok = cli(["submit", job, "--wait", ...as("ci.token")]);
    assert.equal(ok.status, 0, ok.stderr);
    const list = cli(["jobs", "list", "--json", ...as("oncall.token")]);
    assert.equal(list.status, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout.toString()).jobs.length, 1);
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
    d.cleanup();
  }
});
