import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { makeIntermediate, makeRoot, makeServer, opensslVerifies } from "../../../test/kit/certs.js";
import { fixture } from "../../../test/kit/host-fixture.js";
import { verifyCertChain } from "./cert.js";
import { openFileFromPath } from "./file.js";

// Each verdict is compared with `openssl verify -purpose sslserver` on the same files where the two agree
// by design (webpki and openssl differ on a CA used as the end entity).
const hasOpenssl = spawnSync("openssl", ["version"], { stdio: "ignore" }).error === undefined;
const fx = fixture((d) => `permit(principal, action, resource in file_system::Dir::"${d}");`);
const p = (n: string) => `${fx.dir}/${n}`;

before(() => {
  if (!hasOpenssl) return;
  makeRoot(fx.dir);
  makeRoot(fx.dir, "other");
  makeIntermediate(fx.dir);
  makeServer(fx.dir, "inter");
  makeServer(fx.dir, "root", "direct");
  makeServer(fx.dir, "root", "old", { expired: true });
  makeServer(fx.dir, "root", "cacert", { ca: true });
  makeServer(fx.dir, "root", "client", { clientOnly: true });
  makeServer(fx.dir, "direct", "underleaf");
  writeFileSync(
    p("bundle.pem"),
    readFileSync(p("server.pem"), "utf8") + readFileSync(p("inter.pem"), "utf8"),
  );
  writeFileSync(p("garbage.pem"), "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
  writeFileSync(p("empty.pem"), "no certificates here\n");
});
after(() => fx.cleanup());

function verdict(server: string, root: string, inter: string[] = []): string {
  try {
    verifyCertChain(
      openFileFromPath(fx.ctx, p(server)),
      openFileFromPath(fx.ctx, p(root)),
      inter.map((i) => openFileFromPath(fx.ctx, p(i))),
    );
    return "ok";
  } catch (err) {
    return (err as Error).message.replace(/^.*: /, "");
  }
}

const skip = () => (!hasOpenssl && !process.env.CI ? "no openssl" : false);

for (const [server, root, inter, expected] of [
  ["direct.pem", "root.pem", [], "ok"],
  ["server.pem", "root.pem", ["inter.pem"], "ok"],
  ["server.pem", "root.pem", [], "UnknownIssuer"],
  ["direct.pem", "other.pem", [], "UnknownIssuer"],
  ["old.pem", "root.pem", [], "CertExpired"],
  ["client.pem", "root.pem", [], "RequiredEkuNotFound"],
  ["underleaf.pem", "root.pem", ["direct.pem"], "EndEntityUsedAsCa"],
] as const) {
  test(`${server} against ${root} ${inter.join(" ")}: ${expected}, as openssl verify`, {
    skip: skip(),
  }, () => {
    assert.equal(verdict(server, root, [...inter]), expected);
    assert.equal(opensslVerifies(fx.dir, root, server, inter[0]), expected === "ok");
  });
}

test("a CA certificate is refused as the end entity (webpki's CaUsedAsEndEntity)", { skip: skip() }, () => {
  assert.equal(verdict("cacert.pem", "root.pem"), "CaUsedAsEndEntity");
});

test("certificates after the first in the server file are intermediates (a bundled chain)", {
  skip: skip(),
}, () => {
  assert.equal(verdict("bundle.pem", "root.pem"), "ok");
});

test("unparsable or missing certificates are parse errors", { skip: skip() }, () => {
  assert.equal(verdict("garbage.pem", "root.pem"), "invalid base64");
  assert.equal(verdict("direct.pem", "empty.pem"), "No certificates found in root CA file");
  assert.equal(verdict("empty.pem", "root.pem"), "No certificates found in server certificate file");
});

test("each file is read only after read F (stricter than Rex)", { skip: skip() }, () => {
  fx.reset();
  verdict("server.pem", "root.pem", ["inter.pem"]);
  assert.deepEqual(
    fx.seq().filter((l) => l.includes(" read ")),
    [
      `allow read File::"${p("root.pem")}"`,
      `allow read File::"${p("server.pem")}"`,
      `allow read File::"${p("inter.pem")}"`,
    ],
  );
});
