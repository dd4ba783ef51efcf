import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyBundle, verifyOpensslBundle } from "../../src/bundle/index.js";
import { classicSigned, enc, outcome, rawTar, rawTarEntry, sgbWithBody } from "../helpers/bundle-fixtures.js";

for (const [type, what] of [
  ["3", "character device"],
  ["4", "block device"],
  ["6", "fifo"],
  ["x", "pax header"],
  ["L", "gnu long name"],
]) {
  test(`a ${what} entry is refused`, async () => {
    const dev = rawTarEntry({ name: "inputs/dev", type });
    const { bytes, trust } = await sgbWithBody([dev]);
    assert.equal(
      outcome(() => verifyBundle(bytes, { trust })),
      "BUNDLE_MALFORMED",
    );
    const c = classicSigned(
      rawTar([
        rawTarEntry({ name: "script.rhai", data: enc("1") }),
        rawTarEntry({ name: "policy.cedar", data: enc("p") }),
        dev,
      ]),
    );
    assert.equal(
      outcome(() => verifyOpensslBundle(c.tgz, c.sig, { trust: c.trust })),
      "BUNDLE_MALFORMED",
    );
  });
}
