import assert from "node:assert/strict";
import { it } from "node:test";
import {
  fileSigner,
  generateKey,
  openPgpKeyFacts,
  openPgpPublicKey,
  verifyDetached,
} from "../../src/keys/index.js";
import { armor, dearmor } from "../../src/keys/openpgp-armor.js";
import { readPackets } from "../../src/keys/openpgp-packets.js";

/**
 * The self-certification in an exported OpenPGP key is a valid signature by the key over
 * (key packet ‖ user id). It must not pass as a detached signature over a file holding those bytes:
 * only binary-document signatures (type 0x00) are accepted.
 */
it("a key certification is not a document signature", async () => {
  const signer = fileSigner(generateKey("ed25519").privateKey);
  const uid = "Victim <v@example.com>";
  const cert = dearmor(new TextEncoder().encode(await openPgpPublicKey(signer, uid)), "PUBLIC KEY BLOCK");
  const packets = readPackets(cert);
  const sigPacket = packets.find((p) => p.tag === 2)!;
  const body = openPgpKeyFacts(signer.publicKey).keyPacketBody;
  const uidBytes = new TextEncoder().encode(uid);
  const len32 = Buffer.alloc(4);
  len32.writeUInt32BE(uidBytes.byteLength);
  const forgedData = Buffer.concat([
    Buffer.from([0x99, body.byteLength >> 8, body.byteLength & 0xff]),
    body,
    Buffer.from([0xb4]),
    len32,
    uidBytes,
  ]);
  const detached = new Uint8Array(
    Buffer.concat([Buffer.from([0xc2, sigPacket.body.byteLength]), sigPacket.body]),
  );
  const armored = new TextEncoder().encode(armor("SIGNATURE", detached));
  const res = await verifyDetached(new Uint8Array(forgedData), armored, signer.publicKey, {
    format: "openpgp",
  });
  assert.equal(res.ok, false);
});
