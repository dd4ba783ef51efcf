import assert from "node:assert/strict";
import { it } from "node:test";
import { isSigrunError } from "../../src/core/index.js";
import { parsePkcs11Uri } from "../../src/keys/index.js";

/** PINs never come from argv: a pkcs11: URI with pin-value is refused; unknown attributes are refused. */
const usage = (e: unknown) => isSigrunError(e, "USAGE");

it("pin-value is refused", () => {
  assert.throws(() => parsePkcs11Uri("pkcs11:token=t;object=k?pin-value=1234"), usage);
  assert.throws(() => parsePkcs11Uri("pkcs11:token=t;object=k;pin-value=1234"), usage);
});

it("strict: unknown or duplicate attributes, missing token/object, bad type", () => {
  for (const bad of [
    "pkcs11:token=t;object=k;frobnicate=1",
    "pkcs11:token=t;token=u;object=k",
    "pkcs11:object=k",
    "pkcs11:token=t",
    "pkcs11:token=t;object=k;type=public",
    "pkcs11:token=t;object=k?module-path=/x&module-path=/y",
    "pkcs11:token=t;object=%zz",
    `pkcs11:token=${"a".repeat(5000)};object=k`,
  ])
    assert.throws(() => parsePkcs11Uri(bad), usage, bad);
});

it("parses the RFC 7512 form sigrun documents", () => {
  const u = parsePkcs11Uri(
    "pkcs11:token=sigrun%20test;object=k1;id=%01%ff;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin",
  );
  assert.equal(u.tokenLabel, "sigrun test");
  assert.equal(u.keyLabel, "k1");
  assert.deepEqual([...u.keyId!], [1, 255]);
  assert.equal(u.modulePath, "/usr/lib/softhsm/libsofthsm2.so");
  assert.equal(u.pinFile, "/run/pin");
});
