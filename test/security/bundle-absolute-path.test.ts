import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyBundle, verifyOpensslBundle } from "../../src/bundle/index.js";
import { classicSigned, enc, outcome, rawTar, rawTarEntry, sgbWithBody } from "../helpers/bundle-fixtures.js";

test("absolute entry names are refused", async () => {
  const { bytes, trust } = await sgbWithBody([
    rawTarEntry({ name: "/etc/cron.d/evil", data: enc("* * * * * root sh") }),
  ]);
  assert.equal(
    outcome(() => verifyBundle(bytes, { trust })),
    "BUNDLE_MALFORMED",
  );
  const c = classicSigned(
    rawTar([
      rawTarEntry({ name: "/script.rhai", data: enc("1") }),
      rawTarEntry({ name: "policy.cedar", data: enc("p") }),
    ]),
  );
  assert.equal(
    outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
    "BUNDLE_MALFORMED",
  );
});
