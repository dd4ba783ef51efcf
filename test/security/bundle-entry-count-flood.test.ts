import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyBundle, verifyOpensslBundle } from "../../src/bundle/index.js";
import { classicSigned, enc, outcome, rawTar, rawTarEntry, sgbWithBody } from "../helpers/bundle-fixtures.js";

test("an archive with more entries than the cap is refused", async () => {
  const many = Array.from({ length: 1100 }, (_, i) => rawTarEntry({ name: `inputs/f${i}`, data: enc("") }));
  const { bytes, trust } = await sgbWithBody(many);
  assert.equal(
    outcome(() => verifyBundle(bytes, { trust })),
    "BUNDLE_MALFORMED",
  );
  const c = classicSigned(
    rawTar([
      rawTarEntry({ name: "script.rhai", data: enc("1") }),
      rawTarEntry({ name: "policy.cedar", data: enc("p") }),
      ...many,
    ]),
  );
  assert.equal(
    outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
    "BUNDLE_MALFORMED",
  );
});
