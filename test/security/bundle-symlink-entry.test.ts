import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyBundle, verifyOpensslBundle } from "../../src/bundle/index.js";
import { classicSigned, enc, outcome, rawTar, rawTarEntry, sgbWithBody } from "../helpers/bundle-fixtures.js";

test("symbolic links are refused", async () => {
  const link = rawTarEntry({ name: "inputs/passwd", type: "2", linkname: "/etc/passwd" });
  const { bytes, trust } = await sgbWithBody([link]);
  assert.equal(
    outcome(() => verifyBundle(bytes, { trust })),
    "BUNDLE_MALFORMED",
  );
  const c = classicSigned(
    rawTar([
      rawTarEntry({ name: "script.rhai", data: enc("1") }),
      rawTarEntry({ name: "policy.cedar", data: enc("p") }),
      link,
    ]),
  );
  assert.equal(
    outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
    "BUNDLE_MALFORMED",
  );
});
