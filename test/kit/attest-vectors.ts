// Builds the build-gated countersigning vectors (vectors/attest/) from fixed seeds and times: Ed25519 and
// HMAC-SHA256 are deterministic, so the same code always yields the same bytes.
// Regenerate: npx tsc -p . && node dist/test/kit/gen-attest-vectors.js
import { createHash, createPrivateKey, type KeyObject } from "node:crypto";
import { approvalFileBytes, makeApproval } from "../../src/attest/approval.js";
import { attestArtifacts, encodeAttestations } from "../../src/attest/attest.js";
import { type BuildSecret, parseBuildSecret } from "../../src/attest/build-secret.js";
import { signDsse } from "../../src/attest/envelope.js";
import { encodeEvidence } from "../../src/attest/evidence.js";
import { APPROVAL_PAYLOAD_TYPE, IN_TOTO_PAYLOAD_TYPE } from "../../src/attest/formats.js";
import { makeStatement } from "../../src/attest/statement.js";
import { canonicalJson, type DsseEnvelope, toBase64Url, utf8Encode } from "../../src/core/index.js";
import { fileSigner, publicKeyPem, type Signer } from "../../src/keys/index.js";

function seeded(seedByte: number): KeyObject {
  const der = Buffer.concat([
    Buffer.from("302e020100300506032b657004220420", "hex"),
    Buffer.alloc(32, seedByte),
  ]);
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

export interface AttestCase {
  readonly name: string;
  readonly note: string;
  readonly approval: string;
  readonly attestations: string;
  /** The artifact's subject name and the vector file holding its bytes. */
  readonly artifact: { readonly name: string; readonly file: string };
  /** MAC variant: the file holding the build nonce (text form). */
  readonly nonce?: string;
  /** The time H checks at (RFC 3339). */
  readonly now: string;
  readonly expect: "ok" | string;
}

export interface AttestVectors {
  readonly files: Map<string, Uint8Array>;
  readonly cases: AttestCase[];
}

const T0 = new Date("2026-01-02T03:04:05.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 3_600_000;

export async function attestVectors(): Promise<AttestVectors> {
  const files = new Map<string, Uint8Array>();
  const approver: Signer = fileSigner(seeded(1));
  const mallory: Signer = fileSigner(seeded(2));
  const key: BuildSecret = parseBuildSecret(
    `sigrun-build-key-v1:1234:${toBase64Url(new Uint8Array(seeded(3).export({ format: "der", type: "pkcs8" })))}`,
  );
  const otherKey: BuildSecret = parseBuildSecret(
    `sigrun-build-key-v1:1234:${toBase64Url(new Uint8Array(seeded(4).export({ format: "der", type: "pkcs8" })))}`,
  );
  const nonce: BuildSecret = parseBuildSecret(
    `sigrun-build-nonce-v1:1234:${toBase64Url(new Uint8Array(32).fill(5))}`,
  );
  const wrongNonce: BuildSecret = parseBuildSecret(
    `sigrun-build-nonce-v1:1234:${toBase64Url(new Uint8Array(32).fill(6))}`,
  );
  files.set("approver.pub", utf8Encode(publicKeyPem(approver.publicKey.keyObject)));
  files.set(
    "build.key",
    utf8Encode(
      "sigrun-build-key-v1:1234:" +
        toBase64Url(new Uint8Array(seeded(3).export({ format: "der", type: "pkcs8" }))) +
        "\n",
    ),
  );
  files.set(
    "build.nonce",
    utf8Encode(`sigrun-build-nonce-v1:1234:${toBase64Url(new Uint8Array(32).fill(5))}\n`),
  );
  files.set(
    "wrong.nonce",
    utf8Encode(`sigrun-build-nonce-v1:1234:${toBase64Url(new Uint8Array(32).fill(6))}\n`),
  );

  const artifacts = [
    { name: "app.tar.gz", data: utf8Encode("release artifact\n") },
    { name: "SHA256SUMS", data: utf8Encode("checksums\n") },
  ];
  files.set("app.tar.gz", artifacts[0]!.data);
  files.set("SHA256SUMS", artifacts[1]!.data);
  files.set("app-replaced.tar.gz", utf8Encode("backdoored artifact\n"));

  const approval = await makeApproval(key, approver, T0, at(6 * HOUR));
  const approvalMac = await makeApproval(nonce, approver, T0, at(6 * HOUR));
  files.set("approval.json", approval.bytes);
  files.set("approval-mac.json", approvalMac.bytes);
  // Edited after signing: validity extended.
  const edited = { ...approval.record, notAfter: "2099-01-01T00:00:00.000Z" };
  files.set(
    "approval-edited.json",
    approvalFileBytes({
      ...approval.envelope,
      payload: Buffer.from(canonicalJson(edited)).toString("base64"),
    }),
  );
  files.set("approval-wrong-signer.json", (await makeApproval(key, mallory, T0, at(6 * HOUR))).bytes);
  const relabelled = await signDsse(
    APPROVAL_PAYLOAD_TYPE,
    utf8Encode(canonicalJson(approval.record)),
    mallory,
  );
  files.set(
    "approval-relabelled.json",
    approvalFileBytes({
      ...relabelled,
      signatures: [{ ...relabelled.signatures[0]!, keyid: approver.publicKey.keyId }],
    }),
  );

  const attestOpts = { builderId: "https://ci.example/acme/app/runs/1", now: at(10 * 60_000) };
  const envs = await attestArtifacts(artifacts, key, attestOpts);
  files.set("att.json", encodeAttestations(envs));
  files.set("att-mac.json", encodeAttestations(await attestArtifacts(artifacts, nonce, attestOpts)));
  files.set(
    "att-wrong-nonce.json",
    encodeAttestations(await attestArtifacts(artifacts, wrongNonce, attestOpts)),
  );
  files.set(
    "att-unapproved-key.json",
    encodeAttestations(await attestArtifacts(artifacts, otherKey, attestOpts)),
  );
  files.set(
    "att-expired.json",
    encodeAttestations(await attestArtifacts(artifacts, key, { ...attestOpts, now: at(7 * HOUR) })),
  );
  const sha = (d: Uint8Array) => createHash("sha256").update(d).digest("hex");
  const signed = async (st: unknown): Promise<DsseEnvelope> =>
    signDsse(
      IN_TOTO_PAYLOAD_TYPE,
      utf8Encode(canonicalJson(st)),
      key.variant === "key" ? key.signer : approver,
    );
  const other = await signed(
    makeStatement("app.tar.gz", sha(artifacts[0]!.data), {
      buildId: "1235",
      builderId: "ci",
      time: at(60_000).toISOString(),
    }),
  );
  files.set("att-other-build.json", encodeAttestations([other]));
  const dup = await attestArtifacts(
    [{ name: "app.tar.gz", data: utf8Encode("backdoored artifact\n") }],
    key,
    attestOpts,
  );
  files.set("att-duplicate.json", encodeAttestations([...envs, dup[0]!]));
  const trick = await signed({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "../app.tar.gz", digest: { sha256: sha(artifacts[0]!.data) } }],
    predicateType: "https://sigrun.dev/build-attestation/v1",
    predicate: { buildId: "1234", builderId: "ci", time: at(60_000).toISOString() },
  });
  files.set("att-path-trick.json", encodeAttestations([trick]));
  files.set("evidence-app.tar.gz.bin", encodeEvidence(approval.bytes, envs[0]!));

  const now = at(HOUR).toISOString();
  const app = { name: "app.tar.gz", file: "app.tar.gz" };
  const c = (name: string, note: string, o: Partial<AttestCase> & { expect: string }): AttestCase => ({
    name,
    note,
    approval: "approval.json",
    attestations: "att.json",
    artifact: app,
    now,
    ...o,
  });
  const cases: AttestCase[] = [
    c("valid", "approved build key, attested artifact", { expect: "ok" }),
    c("valid-second", "the other artifact of the same build", {
      artifact: { name: "SHA256SUMS", file: "SHA256SUMS" },
      expect: "ok",
    }),
    c("valid-mac", "MAC variant, H holds the nonce", {
      approval: "approval-mac.json",
      attestations: "att-mac.json",
      nonce: "build.nonce",
      expect: "ok",
    }),
    c("artifact-replaced", "bytes differ from the attested digest", {
      artifact: { name: "app.tar.gz", file: "app-replaced.tar.gz" },
      expect: "DIGEST_MISMATCH",
    }),
    c("other-build", "statement names build 1235", {
      attestations: "att-other-build.json",
      expect: "ATTESTATION_INVALID",
    }),
    c("expired-attestation", "attested after the approval's notAfter", {
      attestations: "att-expired.json",
      expect: "EXPIRED",
    }),
    c("expired-approval", "H checks after notAfter", { now: at(7 * HOUR).toISOString(), expect: "EXPIRED" }),
    c("approval-edited", "notAfter changed after signing", {
      approval: "approval-edited.json",
      expect: "SIGNATURE_INVALID",
    }),
    c("approval-wrong-signer", "approval made by another key", {
      approval: "approval-wrong-signer.json",
      expect: "SIGNER_UNTRUSTED",
    }),
    c("approval-relabelled", "another key's signature labelled with the approver's key id", {
      approval: "approval-relabelled.json",
      expect: "SIGNATURE_INVALID",
    }),
    c("unapproved-key", "attestations by a key the approval does not name", {
      attestations: "att-unapproved-key.json",
      expect: "SIGNER_UNTRUSTED",
    }),
    c("mac-wrong-nonce", "MACs made with another nonce", {
      approval: "approval-mac.json",
      attestations: "att-wrong-nonce.json",
      nonce: "build.nonce",
      expect: "SIGNER_UNTRUSTED",
    }),
    c("mac-h-wrong-nonce", "H holds a nonce that does not match the commitment", {
      approval: "approval-mac.json",
      attestations: "att-mac.json",
      nonce: "wrong.nonce",
      expect: "SIGNER_UNTRUSTED",
    }),
    c("duplicate-subject", "two attestations name app.tar.gz", {
      attestations: "att-duplicate.json",
      expect: "ATTESTATION_INVALID",
    }),
    c("path-trick", "the only statement names ../app.tar.gz", {
      attestations: "att-path-trick.json",
      expect: "ATTESTATION_INVALID",
    }),
  ];
  return { files, cases };
}
