import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { isSigrunError, toBase64Url } from "../core/index.js";
import { cborDecode, cborEncode } from "./cbor.js";
import { initiatePublicKey, initiateSharedSecret, openJoin } from "./handshake.js";
import { decodeJoin, encodeJoin, joinToLine, joinToPem, parseJoinText } from "./join-string.js";
import { x25519Generate } from "./primitives.js";

const payload = {
  relay: "wss://relay.example.org/v1",
  routingId: new Uint8Array(16).fill(7),
  expiry: 2_000_000_000,
  signerKeyId: new Uint8Array(16).fill(9),
  maxSignatures: 5,
  context: "acme/app https://ci.example/run/123456 0123456789abcdef0123",
};
const NOW = 1_900_000_000;

test("cbor: canonical round trip; non-shortest, indefinite, trailing data rejected", () => {
  const v = [1, 23, 24, 255, 256, 65536, 2 ** 32, new Uint8Array(3), "héllo", [true, false]];
  const b = cborEncode(v);
  assert.deepEqual(cborEncode(cborDecode(b)), b);
  const bad = ["1817", "5f41ff", "9f01ff", "0100", "1900ff", "f6", "20", "a0", "c0", "7a00"];
  for (const hex of bad)
    assert.throws(() => cborDecode(Buffer.from(hex, "hex")), { code: "INPUT_INVALID" }, hex);
  assert.throws(() => cborDecode(Buffer.from("62c328", "hex")), { code: "INPUT_INVALID" }); // invalid utf-8
  const deep = new Uint8Array(20).fill(0x81);
  assert.throws(() => cborDecode(deep), { code: "INPUT_INVALID" });
});

test("join string: public-key mode is ≤ 300 bytes, round-trips through line and PEM", async () => {
  const kex = x25519Generate();
  const hs = await initiatePublicKey(kex.publicRaw, payload);
  assert.ok(hs.joinBytes.byteLength <= 300, `${hs.joinBytes.byteLength} bytes`);
  assert.deepEqual(parseJoinText(joinToLine(hs.joinBytes)), hs.joinBytes);
  assert.deepEqual(parseJoinText(`# paste below\n${joinToPem(hs.joinBytes)}\n`), hs.joinBytes);
  assert.deepEqual(encodeJoin(decodeJoin(hs.joinBytes)), hs.joinBytes);
  const opened = await openJoin(hs.joinBytes, { kexKey: kex.privateKey }, NOW);
  assert.deepEqual(opened.payload, payload);
});

test("join string: a long context exceeding 300 bytes is refused at creation", async () => {
  const kex = x25519Generate();
  await assert.rejects(
    initiatePublicKey(kex.publicRaw, {
      ...payload,
      context: "x".repeat(100),
      relay: `wss://${"r".repeat(150)}`,
    }),
    {
      code: "LIMIT_EXCEEDED",
    },
  );
});

test("join string: wrong key, tampered header, expired, wrong version → coded errors", async () => {
  const kex = x25519Generate();
  const other = x25519Generate();
  const hs = await initiatePublicKey(kex.publicRaw, payload);
  await assert.rejects(openJoin(hs.joinBytes, { kexKey: other.privateKey }, NOW), {
    code: "HANDSHAKE_FAILED",
  });
  await assert.rejects(openJoin(hs.joinBytes, { kexKey: kex.privateKey }, 2_000_000_000), {
    code: "SESSION_EXPIRED",
  });
  const tampered = Uint8Array.from(hs.joinBytes);
  tampered[tampered.byteLength - 1]! ^= 1;
  await assert.rejects(openJoin(tampered, { kexKey: kex.privateKey }, NOW), { code: "HANDSHAKE_FAILED" });
  const v2 = Uint8Array.from(hs.joinBytes);
  v2[1] = 2;
  assert.throws(() => decodeJoin(v2), { code: "UNSUPPORTED_VERSION" });
  await assert.rejects(openJoin(hs.joinBytes, {}, NOW), { code: "USAGE" });
  assert.throws(() => parseJoinText(`${joinToLine(hs.joinBytes)}=`), { code: "JOIN_STRING_INVALID" });
  assert.throws(() => parseJoinText(`${joinToLine(hs.joinBytes)} x`), { code: "JOIN_STRING_INVALID" });
  assert.throws(() => parseJoinText(`${joinToPem(hs.joinBytes)}trailing`), { code: "JOIN_STRING_INVALID" });
});

test("join string: shared-secret mode round-trips and needs the secret", async () => {
  const secret = new TextEncoder().encode("s3cret-s3cret-s3cret");
  const hs = initiateSharedSecret(secret, payload);
  assert.deepEqual(encodeJoin(decodeJoin(hs.joinBytes)), hs.joinBytes);
  await assert.rejects(openJoin(hs.joinBytes, {}, NOW), { code: "USAGE" });
  const opened = await openJoin(hs.joinBytes, { secret }, NOW);
  assert.deepEqual(opened.payload, payload);
});

test("fuzz: join-string text and bytes decoders throw only coded errors", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      // Random bytes are never a join string; as text they may be a well-formed line, but never decode.
      for (const f of [() => decodeJoin(bytes), () => decodeJoin(parseJoinText(toBase64Url(bytes)))]) {
        let accepted = false;
        try {
          f();
          accepted = true;
        } catch (err) {
          if (!isSigrunError(err)) throw err;
        }
        assert.ok(!accepted, `a random join string was accepted: ${toBase64Url(bytes)}`);
      }
      // Random bytes can be valid CBOR (0x01 is the integer 1): only coded errors here.
      try {
        cborDecode(bytes);
      } catch (err) {
        if (!isSigrunError(err)) throw err;
      }
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      let accepted = false;
      try {
        decodeJoin(parseJoinText(text));
        accepted = true;
      } catch (err) {
        if (!isSigrunError(err)) throw err;
      }
      assert.ok(!accepted, `random text was accepted as a join string: ${JSON.stringify(text)}`);
    }),
    { numRuns: 1000 },
  );
});
