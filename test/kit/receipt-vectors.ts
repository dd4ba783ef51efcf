// Builds the receipt test vectors (vectors/receipt/) from fixed seeds: Ed25519 is deterministic, so the
// same code always yields the same bytes. Regenerate: npx tsc -p . && node dist/test/kit/gen-receipt-vectors.js
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { encodeReceiptEnvelope, type ReceiptEnvelope, signEnvelope } from "../../src/agent/dsse.js";
import {
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  RECEIPT_PREDICATE_TYPE,
  type ReceiptStatement,
  signReceipt,
} from "../../src/agent/receipt.js";
import { canonicalJson, toBase64, utf8Encode } from "../../src/core/index.js";
import { fileSigner, publicKeyPem, type Signer } from "../../src/keys/index.js";

export function seededKey(seedByte: number): { privateKey: KeyObject; publicKey: KeyObject } {
  const der = Buffer.concat([
    Buffer.from("302e020100300506032b657004220420", "hex"),
    Buffer.alloc(32, seedByte),
  ]);
  const privateKey = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function statement(
  host: Signer,
  status: "succeeded" | "rejected",
  predicateType: string = RECEIPT_PREDICATE_TYPE,
): ReceiptStatement {
  const ran = status === "succeeded";
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: ran
      ? [
          {
            name: "manifest.json",
            digest: { sha256: "4003a69f614bb0d974a41abd4f29a4b414c804697339b2e8231ecbbe6b5cbffa" },
          },
          {
            name: "stdout",
            digest: { sha256: "5ea651a510f8b472977290e0670a50ac855ef3763451b8dbe21582a45fc7a962" },
          },
          {
            name: "stderr",
            digest: { sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
          },
          {
            name: "result",
            digest: { sha256: "73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049" },
          },
          {
            name: "outputs/report.txt",
            digest: { sha256: "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c" },
          },
        ]
      : [
          {
            name: "submission",
            digest: { sha256: "e0d21df113d3bd4bc2000c5f3a4234027c73a8bf64df10041ccc75d2ad964df9" },
          },
        ],
    predicateType: predicateType as typeof RECEIPT_PREDICATE_TYPE,
    predicate: {
      job: {
        id: "c1a9da1f5b8b6bfc5ecf317fba9f8fbb",
        transport: "http",
        submissionSha256: "e0d21df113d3bd4bc2000c5f3a4234027c73a8bf64df10041ccc75d2ad964df9",
      },
      bundle: {
        id: "6b7de362578a8e30bb9b134e65b6f891",
        form: "sgb",
        manifestDigest: "4003a69f614bb0d974a41abd4f29a4b414c804697339b2e8231ecbbe6b5cbffa",
        signers: ["sha256:f5e6e77096c6b5ed5415c1c79a9b1a0dca3612a5132400f2ea54a9c8a8cc2d59"],
        notAfter: "2026-01-08T00:00:00Z",
      },
      host: { id: "web-1", keyId: host.publicKey.keyId, groups: ["web"] },
      times: ran
        ? {
            queued: "2026-01-01T00:00:00.000Z",
            started: "2026-01-01T00:00:00.012Z",
            finished: "2026-01-01T00:00:00.050Z",
          }
        : { queued: "2026-01-01T00:00:00.000Z", started: null, finished: "2026-01-01T00:00:00.004Z" },
      status,
      error: ran ? null : { code: "REPLAY", type: null },
      result: ran ? { value: "42", truncated: false } : null,
      audit: { seq: ran ? 4 : 10 },
      attestation: { type: "none" },
    },
  };
}

export interface ReceiptVector {
  readonly file: string;
  readonly bytes: Uint8Array;
  /** `ok`, or the error code verification must give. */
  readonly expect: string;
  readonly note: string;
}

export async function receiptVectors(): Promise<{
  hostPub: string;
  otherPub: string;
  vectors: ReceiptVector[];
}> {
  const host = fileSigner(seededKey(0x11).privateKey);
  const other = fileSigner(seededKey(0x12).privateKey);
  const ok = await signReceipt(statement(host, "succeeded"), host);
  const rejected = await signReceipt(statement(host, "rejected"), host);
  const flip = (env: ReceiptEnvelope): ReceiptEnvelope => {
    const sig = Buffer.from(env.signatures[0]!.sig, "base64");
    sig[10]! ^= 1;
    return { ...env, signatures: [{ keyid: env.signatures[0]!.keyid, sig: sig.toString("base64") }] };
  };
  const tampered: ReceiptEnvelope = {
    ...ok,
    payload: toBase64(
      utf8Encode(
        canonicalJson({
          ...statement(host, "succeeded"),
          predicate: { ...statement(host, "succeeded").predicate, status: "failed" },
        }),
      ),
    ),
  };
  const byOther = await signReceipt(statement(host, "succeeded"), other);
  const v999 = await signReceipt(statement(host, "succeeded", "https://sigrun.dev/receipt/v999"), host);
  const wrongType = await signEnvelope(
    "application/json",
    utf8Encode(canonicalJson(statement(host, "succeeded"))),
    host,
  );
  const enc = encodeReceiptEnvelope;
  return {
    hostPub: publicKeyPem(host.publicKey.keyObject),
    otherPub: publicKeyPem(other.publicKey.keyObject),
    vectors: [
      {
        file: "succeeded.receipt.json",
        bytes: enc(ok),
        expect: "ok",
        note: "a run that succeeded, with output subjects",
      },
      {
        file: "rejected-replay.receipt.json",
        bytes: enc(rejected),
        expect: "ok",
        note: "a rejection (REPLAY): signed too",
      },
      {
        file: "bad-signature.receipt.json",
        bytes: enc(flip(ok)),
        expect: "RECEIPT_INVALID",
        note: "one signature bit flipped",
      },
      {
        file: "tampered-payload.receipt.json",
        bytes: enc(tampered),
        expect: "RECEIPT_INVALID",
        note: "status changed after signing",
      },
      {
        file: "other-key.receipt.json",
        bytes: enc(byOther),
        expect: "RECEIPT_INVALID",
        note: "signed by a key that is not the host's",
      },
      {
        file: "unknown-predicate-version.receipt.json",
        bytes: enc(v999),
        expect: "UNSUPPORTED_VERSION",
        note: "predicateType v999",
      },
      {
        file: "wrong-payload-type.receipt.json",
        bytes: enc(wrongType),
        expect: "RECEIPT_INVALID",
        note: "payloadType is not in-toto",
      },
    ],
  };
}

export { IN_TOTO_PAYLOAD_TYPE };
