import assert from "node:assert/strict";
import { it } from "node:test";
import { parseHeader, sealBytes } from "../../src/seal/index.js";
import { sealKeys, unsealOutcome } from "../kit/seal.js";

/**
 * A file whose stanzas are all for another key does not open (SEAL_NO_IDENTITY). Grafting our stanza
 * from another file onto it (stanza substitution) is caught by the header MAC (SEAL_HEADER_MAC).
 */
it("a stanza for another key only, and stanza substitution", async () => {
  const us = sealKeys();
  const them = sealKeys();
  const theirs = await sealBytes(Buffer.from("for them"), [them.recipient]);
  assert.equal(await unsealOutcome(theirs, us.identities), "SEAL_NO_IDENTITY");
  assert.equal(await unsealOutcome(theirs, them.identities), "OK 8");

  // Take the header lines of a file sealed to us and splice our stanza into their file.
  const ours = await sealBytes(Buffer.from("for us"), [us.recipient]);
  const hOurs = parseHeader(ours, true)!;
  const hTheirs = parseHeader(theirs, true)!;
  const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
  const ourStanza = text(hOurs.macInput).split("\n").slice(1, -1).join("\n");
  const theirLines = text(theirs.subarray(0, hTheirs.length)).split("\n");
  const forged = [theirLines[0], ourStanza, ...theirLines.slice(1)].join("\n");
  const file = new Uint8Array(
    Buffer.concat([Buffer.from(forged, "latin1"), theirs.subarray(hTheirs.length)]),
  );
  assert.equal(await unsealOutcome(file, us.identities), "SEAL_HEADER_MAC");
});
