import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ownerKey, stubBundle, tempDir } from "../../../test/kit/agent-fixtures.js";
import { cli, spawnAgent } from "../../../test/kit/spawn-agent.js";
import { makeTlsPki, noOpenssl } from "../../../test/kit/tls-pki.js";
import { publicKeyPem } from "../../keys/index.js";

test("http transport over TLS with client-certificate auth", { skip: noOpenssl }, async () => {
  const d = tempDir();
  const c = d.path;
  makeTlsPki(c, [{ name: "client", cn: "client" }]);
  const owner = ownerKey();
  mkdirSync(join(c, "trusted"));
  writeFileSync(join(c, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  writeFileSync(join(c, "job.sgb"), await stubBundle([owner]));
  const state = join(c, "state");
  const a = await spawnAgent([
    "--trust",
    join(c, "trusted"),
    "--state",
    state,
    "--host-id",
    "h1",
    "--http",
    "127.0.0.1:0",
    "--tls-cert",
    join(c, "server.crt"),
    "--tls-key",
    join(c, "server.key"),
    "--client-ca",
    join(c, "ca.crt"),
    "--client-role",
    "submit=cn:client",
  ]);
  try {
    assert.match(a.url!, /^https:\/\//);
    const tls = ["--ca", join(c, "ca.crt")];
    const noCert = cli(["submit", join(c, "job.sgb"), "--to", a.url!, "--wait", ...tls]);
    assert.notEqual(noCert.status, 0, "a client without a certificate must be refused");
    assert.match(noCert.stderr, /TRANSPORT_ERROR/);
    const ok = cli([
      "submit",
      join(c, "job.sgb"),
      "--to",
      a.url!,
      "--wait",
      "--json",
      "--host-pub",
      join(state, "host.pub"),
      ...tls,
      "--cert",
      join(c, "client.crt"),
      "--key",
      join(c, "client.key"),
    ]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout.toString()).receipts[0].status, "succeeded");
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
  }
  d.cleanup();
});
