import { canonicalJson, type DsseEnvelope, SigrunError, utf8Decode, utf8Encode } from "../core/index.js";
import { openPgpPublicKey, openPgpSign } from "../keys/index.js";
import type { BuildSecret } from "./build-secret.js";
import { envelopeBytes, hexDigest, macDsse, parseOneEnvelope, signDsse } from "./envelope.js";
import { CAPS, IN_TOTO_PAYLOAD_TYPE } from "./formats.js";
import { checkSubjectName } from "./names.js";
import { makeStatement } from "./statement.js";

export interface Artifact {
  /** The subject name: the artifact's plain file name. */
  readonly name: string;
  readonly data: Uint8Array;
}

export interface AttestOptions {
  readonly builderId: string;
  readonly now: Date;
}

/** Refuses two artifacts with the same subject name (ATTESTATION_INVALID). */
export function checkUniqueNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    checkSubjectName(n);
    if (seen.has(n))
      throw new SigrunError("ATTESTATION_INVALID", `subject name ${JSON.stringify(n)}: given twice`);
    seen.add(n);
  }
}

/** One in-toto statement per artifact, in a DSSE envelope signed by the build key (or MACed with the nonce). */
export async function attestArtifacts(
  artifacts: readonly Artifact[],
  secret: BuildSecret,
  o: AttestOptions,
): Promise<DsseEnvelope[]> {
  if (artifacts.length === 0) throw new SigrunError("USAGE", "attest: no artifacts");
  if (artifacts.length > CAPS.maxAttestations)
    throw new SigrunError("LIMIT_EXCEEDED", `attest: at most ${CAPS.maxAttestations} artifacts`);
  checkUniqueNames(artifacts.map((a) => a.name));
  const time = o.now.toISOString();
  const out: DsseEnvelope[] = [];
  for (const a of artifacts) {
    const st = makeStatement(a.name, hexDigest(a.data), {
      buildId: secret.build,
      builderId: o.builderId,
      time,
    });
    const payload = utf8Encode(canonicalJson(st));
    out.push(
      secret.variant === "key"
        ? await signDsse(IN_TOTO_PAYLOAD_TYPE, payload, secret.signer)
        : macDsse(IN_TOTO_PAYLOAD_TYPE, payload, secret.nonce),
    );
  }
  return out;
}

/** The attestations file: an in-toto bundle, JSON Lines of canonical DSSE envelopes, each line ending in \n. */
export function encodeAttestations(envs: readonly DsseEnvelope[]): Uint8Array {
  return utf8Encode(envs.map((e) => `${utf8Decode(envelopeBytes(e))}\n`).join(""));
}

/** Parses an attestations file strictly (no blank lines, final newline, each line a strict envelope). */
export function parseAttestations(bytes: Uint8Array): DsseEnvelope[] {
  if (bytes.byteLength > CAPS.maxBundleBytes)
    throw new SigrunError("ATTESTATION_INVALID", `attestations: larger than ${CAPS.maxBundleBytes} bytes`);
  const text = utf8Decode(bytes, "attestations");
  if (text.length === 0 || !text.endsWith("\n"))
    throw new SigrunError(
      "ATTESTATION_INVALID",
      "attestations: expected JSON lines, each ending in a newline",
    );
  const lines = text.slice(0, -1).split("\n");
  if (lines.length > CAPS.maxAttestations)
    throw new SigrunError("ATTESTATION_INVALID", `attestations: at most ${CAPS.maxAttestations} lines`);
  return lines.map((l, i) => parseOneEnvelope(utf8Encode(l), `attestation line ${i + 1}`));
}

/** A detached OpenPGP signature by the build key (for a pure-gpg H: `gpgv --keyring build.gpg`). */
export async function buildKeyGpgSignature(
  secret: BuildSecret,
  data: Uint8Array,
  now: Date,
): Promise<string> {
  if (secret.variant !== "key")
    throw new SigrunError("USAGE", "--gpg-sigs: needs a build key (not a MAC nonce)");
  return openPgpSign(secret.signer, data, now);
}

/** The build public key as an armored OpenPGP certificate (uid `sigrun build <id>`), for gpg/gpgv. */
export async function buildKeyOpenPgpCert(secret: BuildSecret): Promise<string> {
  if (secret.variant !== "key") throw new SigrunError("USAGE", "openpgp certificate: needs a build key");
  return openPgpPublicKey(secret.signer, `sigrun build ${secret.build}`);
}
