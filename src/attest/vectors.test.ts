import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { type AttestCase, attestVectors } from "../../test/kit/attest-vectors.js";
import { isSigrunError, pae, utf8Decode, utf8Encode } from "../core/index.js";
import { parsePublicKey } from "../keys/index.js";
import {
  checkArtifact,
  checkEvidence,
  indexAttestations,
  openBuild,
  parseAttestations,
  parseBuildSecret,
} from "./index.js";

/** vectors/attest/ (docs/spec/build-attestation.md §8): every case, and byte-identical regeneration. */
const DIR = "vectors/attest";
const read = (f: string) => new Uint8Array(readFileSync(`${DIR}/${f}`));
const { approverPub, cases } = JSON.parse(readFileSync(`${DIR}/cases.json`, "utf8")) as {
  approverPub: string;
  cases: AttestCase[];
};
const approver = parsePublicKey(read(approverPub));

function outcome(c: AttestCase): string {
  try {
    const build = openBuild({
      approval: read(c.approval),
      approverPub: approver,
      now: new Date(c.now),
      ...(c.nonce ? { nonce: parseBuildSecret(utf8Decode(read(c.nonce)), "mac") } : {}),
    });
    const r = checkArtifact(
      build,
      indexAttestations(parseAttestations(read(c.attestations))),
      c.artifact.name,
      read(c.artifact.file),
    );
    return r.ok ? "ok" : r.code;
  } catch (err) {
    if (isSigrunError(err)) return err.code;
    throw err;
  }
}

for (const c of cases) test(`attest vector ${c.name}: ${c.note}`, () => assert.equal(outcome(c), c.expect));

test("attest vectors: regenerating gives the same bytes", async () => {
  const v = await attestVectors();
  const onDisk = readdirSync(DIR)
    .filter((f) => f !== "cases.json")
    .sort();
  assert.deepEqual([...v.files.keys()].sort(), onDisk);
  for (const [name, bytes] of v.files) assert.deepEqual(bytes, read(name), name);
  assert.deepEqual(v.cases, cases);
});

test("attest vectors: the remote evidence of app.tar.gz verifies", () => {
  const facts = checkEvidence(read("evidence-app.tar.gz.bin"), "app.tar.gz", read("app.tar.gz"), {
    approverPub: approver,
    now: new Date("2026-01-02T04:00:00.000Z"),
  });
  assert.equal(facts.build.id, "1234");
});

test("DSSE PAE: the DSSE protocol.md example, and lengths in bytes", () => {
  assert.equal(
    utf8Decode(pae("http://example.com/HelloWorld", utf8Encode("hello world"))),
    "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
  );
  assert.equal(utf8Decode(pae("t", utf8Encode("é"))), "DSSEv1 1 t 2 é");
  assert.equal(utf8Decode(pae("", new Uint8Array(0))), "DSSEv1 0  0 ");
});
