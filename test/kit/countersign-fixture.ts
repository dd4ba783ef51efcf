import { generateKeyPairSync } from "node:crypto";
import {
  type Artifact,
  type AuditSink,
  type AuditValue,
  attestArtifacts,
  type BuildSecret,
  type CountersignReport,
  countersign,
  encodeAttestations,
  makeApproval,
  newBuildSecret,
  parseAttestations,
} from "../../src/attest/index.js";
import type { DsseEnvelope } from "../../src/core/index.js";
import { fileSigner, type SignatureFormat, type Signer } from "../../src/keys/index.js";

/**
 * One approved build for the countersign attack tests: an approver, a build secret with its signed
 * approval, attested artifacts, and H's release key. Everything is real crypto; tests tamper with one
 * piece and check that H refuses with the expected code.
 */
export interface MemoryAudit extends AuditSink {
  readonly entries: { type: string; data: Record<string, AuditValue> }[];
}

export function memoryAudit(): MemoryAudit {
  const entries: { type: string; data: Record<string, AuditValue> }[] = [];
  return {
    entries,
    append: async (type, data) => {
      entries.push({ type, data });
    },
  };
}

export const newSigner = (): Signer => fileSigner(generateKeyPairSync("ed25519").privateKey);

export interface Fixture {
  readonly approver: Signer;
  readonly release: Signer;
  readonly secret: BuildSecret;
  readonly approval: Uint8Array;
  readonly artifacts: Artifact[];
  readonly attestations: DsseEnvelope[];
  readonly created: Date;
  readonly notAfter: Date;
}

export const HOUR = 3_600_000;

export async function fixture(
  o: { variant?: "key" | "mac"; build?: string; names?: string[]; created?: Date; validMs?: number } = {},
): Promise<Fixture> {
  const approver = newSigner();
  const release = newSigner();
  const secret = newBuildSecret(o.build ?? "1234", o.variant ?? "key");
  const created = o.created ?? new Date();
  const notAfter = new Date(created.getTime() + (o.validMs ?? 6 * HOUR));
  const { bytes } = await makeApproval(secret, approver, created, notAfter);
  const artifacts = (o.names ?? ["app.tar.gz", "app.sha256"]).map((name) => ({
    name,
    data: new TextEncoder().encode(`contents of ${name}\n`),
  }));
  const attestations = await attestArtifacts(artifacts, secret, {
    builderId: "https://ci.example/run/1",
    now: new Date(created.getTime() + 60_000),
  });
  return { approver, release, secret, approval: bytes, artifacts, attestations, created, notAfter };
}

/** Runs H's countersign on the fixture, with overrides. */
export async function runCountersign(
  f: Fixture,
  over: Partial<Parameters<typeof countersign>[0]> = {},
): Promise<{ report: CountersignReport; audit: MemoryAudit }> {
  const audit = memoryAudit();
  const report = await countersign({
    approval: f.approval,
    approverPub: f.approver.publicKey,
    attestations: f.attestations,
    artifacts: f.artifacts,
    signer: f.release,
    format: "raw" as SignatureFormat,
    audit,
    now: new Date(f.created.getTime() + 120_000),
    ...(f.secret.variant === "mac" ? { nonce: f.secret } : {}),
    ...over,
  });
  return { report, audit };
}

/** Round-trips envelopes through the attestations file (what H actually reads). */
export const viaFile = (envs: readonly DsseEnvelope[]): DsseEnvelope[] =>
  parseAttestations(encodeAttestations(envs));

/** Signs an arbitrary statement/record as an envelope: for attacks that need hand-made evidence. */
export async function signedEnvelope(
  payloadType: string,
  value: unknown,
  signer: Signer,
): Promise<DsseEnvelope> {
  const { signDsse } = await import("../../src/attest/index.js");
  const { canonicalJson, utf8Encode } = await import("../../src/core/index.js");
  return signDsse(payloadType, utf8Encode(canonicalJson(value)), signer);
}

/** The decoded payload of an envelope. */
export const payloadOf = (env: DsseEnvelope): Record<string, unknown> =>
  JSON.parse(Buffer.from(env.payload, "base64").toString("utf8")) as Record<string, unknown>;

/** Decisions as [name, decision, code] triples. */
export const outcome = (r: CountersignReport): [string, string, string | undefined][] =>
  r.decisions.map((d) => [d.name, d.decision, d.code]);
