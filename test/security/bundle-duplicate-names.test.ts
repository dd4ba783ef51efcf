import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyBundle, verifyOpensslBundle } from "../../src/bundle/index.js";
import { classicSigned, enc, outcome, rawTar, rawTarEntry, sgbWithBody } from "../helpers/bundle-fixtures.js";

test("a second entry with the same name (shadowing the signed one) is refused", async () => {
  const { bytes, trust } = await sgbWithBody([rawTarEntry({ name: "script.rhai", data: enc("evil()") })]);
  assert.equal(
    outcome(() => verifyBundle(bytes, { trust })),
    "BUNDLE_MALFORMED",
  );
  const c = classicSigned(
    rawTar([
      rawTarEntry({ name: "script.rhai", data: enc("1") }),
      rawTarEntry({ name: "policy.cedar", data: enc("p") }),
      rawTarEntry({ name: "./script.rhai", data: enc("evil()") }),
    ]),
  );
  assert.equal(
    outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
    "BUNDLE_MALFORMED",
  );
});
