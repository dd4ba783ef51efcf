import assert from "node:assert/strict";
import { it } from "node:test";
import { isSigrunError } from "../../src/core/index.js";
import { parsePkcs11Uri } from "../../src/keys/index.js";

// Attack: a PKCS#11 URI (from a config file, a CI variable, a pasted instruction) with hostile values:
// a relative `module-path` makes dlopen search the library path (LD_LIBRARY_PATH, RPATH) and load
// whatever library of that name it finds; percent-encoded NUL bytes truncate paths where C code reads
// them; control characters in labels reach the terminal through error messages and prompts. All are
// refused by the parser (USAGE), before any library is loaded or file read.
const usage = (e: unknown) => isSigrunError(e, "USAGE");

it("module-path must be an absolute path without NUL", () => {
  for (const bad of [
    "pkcs11:token=t;object=k?module-path=libsofthsm2.so",
    "pkcs11:token=t;object=k?module-path=./libevil.so",
    "pkcs11:token=t;object=k?module-path=/usr/lib/softhsm/libsofthsm2.so%00.evil",
    "pkcs11:token=t;object=k?module-path=",
  ])
    assert.throws(() => parsePkcs11Uri(bad), usage, bad);
  assert.equal(
    parsePkcs11Uri("pkcs11:token=t;object=k?module-path=/usr/lib/softhsm/libsofthsm2.so").modulePath,
    "/usr/lib/softhsm/libsofthsm2.so",
  );
});

it("pin-source: a file path without NUL; no other schemes", () => {
  for (const bad of [
    "pkcs11:token=t;object=k?pin-source=%00",
    "pkcs11:token=t;object=k?pin-source=file:/run/pin%00x",
    "pkcs11:token=t;object=k?pin-source=env:PIN",
    "pkcs11:token=t;object=k?pin-source=",
  ])
    assert.throws(() => parsePkcs11Uri(bad), usage, bad);
  assert.equal(parsePkcs11Uri("pkcs11:token=t;object=k?pin-source=file:/run/pin").pinFile, "/run/pin");
});

it("labels and serials may not carry control, bidi or zero-width characters", () => {
  for (const bad of [
    "pkcs11:token=%1b%5b2J;object=k",
    "pkcs11:token=t;object=k%0aFAKE%20PROMPT",
    "pkcs11:token=t;object=%c2%9b31m",
    "pkcs11:token=t%e2%80%aeevil;object=k",
    "pkcs11:token=t;serial=%00;object=k",
    "pkcs11:token=t;object=a%e2%80%8bb",
  ])
    assert.throws(() => parsePkcs11Uri(bad), usage, bad);
  assert.equal(parsePkcs11Uri("pkcs11:token=sigrun%20test;object=k%C3%A9").keyLabel, "ké");
});
