import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyBundle, verifyOpensslBundle } from "../../src/bundle/index.js";
import { classicSigned, enc, outcome, rawTar, rawTarEntry, sgbWithBody } from "../helpers/bundle-fixtures.js";

for (const name of ["../evil.sh", "inputs/../../evil.sh", "./script.rhai", "a//b"]) {
  test(`an entry named ${name} is refused in .sgb and tar.gz`, async () => {
    const { bytes, trust } = await sgbWithBody([rawTarEntry({ name, data: enc("x") })]);
    assert.equal(
      outcome(() => verifyBundle(bytes, { trust })),
      "BUNDLE_MALFORMED",
    );
    const c = classicSigned(
      rawTar([
        rawTarEntry({ name: "script.rhai", data: enc("1") }),
        rawTarEntry({ name: "policy.cedar", data: enc("p") }),
        rawTarEntry({ name: name === "./script.rhai" ? "./../x" : name, data: enc("x") }),
      ]),
    );
    assert.equal(
      outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
      "BUNDLE_MALFORMED",
    );
  });
}
test("a prefix field cannot smuggle a parent directory", () => {
  const c = classicSigned(
    rawTar([
      rawTarEntry({ name: "script.rhai", data: enc("1") }),
      rawTarEntry({ name: "policy.cedar", data: enc("p") }),
      rawTarEntry({ name: "x", prefix: "..", data: enc("x") }),
    ]),
  );
  assert.equal(
    outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
    "BUNDLE_MALFORMED",
  );
});
