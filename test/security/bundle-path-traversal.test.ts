import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyOpensslBundle } from "../../src/bundle/index.js";
import {
  BOTH_MALFORMED,
  classicSigned,
  enc,
  hostileOutcomes,
  outcome,
  rawTar,
  rawTarEntry,
} from "../kit/bundle-fixtures.js";

for (const name of ["../evil.sh", "inputs/../../evil.sh", "./../x", "a//b", "inputs/.hidden"]) {
  test(`an entry named ${name} is refused in .sgb and tar.gz`, async () => {
    assert.deepEqual(await hostileOutcomes([rawTarEntry({ name, data: enc("x") })]), BOTH_MALFORMED);
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
