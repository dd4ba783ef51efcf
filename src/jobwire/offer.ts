// The host's key offer (docs/spec/sealed-execution.md §4): a fresh ephemeral X25519 key E for one job,
// bound to the client's nonce and job digest and to the attestation's report data, in a DSSE envelope
// signed by the host's pinned receipt key. The client releases the job key J only to a verified offer.
import { canonicalJson, SigrunError, toHex, utf8Decode, utf8Encode } from "../core/index.js";
import type { PublicKeyInfo, Signer } from "../keys/index.js";
import { isX25519Recipient } from "./age.js";
import { type Attestation, type AttestationPolicy, reportData, verifyAttestation } from "./attestation.js";
import { type Envelope, openDsse, signDsse } from "./dsse.js";

export const OFFER_PAYLOAD_TYPE = "application/vnd.sigrun.sealed-offer+json";
export const OFFER_TYPE = "https://sigrun.dev/sealed-offer/v1";
/** How long an offer (and E) lives on the host. */
export const OFFER_TTL_MS = 10 * 60 * 1000;

export interface Offer {
  readonly _type: typeof OFFER_TYPE;
  readonly nonce: string;
  readonly job_digest: string;
  /** E, the ephemeral recipient J is wrapped to. */
  readonly tee_pubkey: string;
  /** The host's long-term job key (J is wrapped to it as well). */
  readonly job_key: string;
  readonly host: { readonly id: string; readonly receipt_key_id: string };
  readonly attestation: Attestation;
  /** hex of reportData(nonce, E). */
  readonly report_data: string;
  readonly issued_at: string;
  readonly expires_at: string;
}

function bad(why: string): SigrunError {
  return new SigrunError("OFFER_INVALID", `key offer: ${why}`);
}

export function signOffer(offer: Offer, signer: Signer): Promise<Envelope> {
  return signDsse(OFFER_PAYLOAD_TYPE, utf8Encode(canonicalJson(offer)), signer);
}

export interface OfferExpectations {
  readonly receiptKey: PublicKeyInfo;
  readonly jobKey: string;
  readonly nonce: string;
  readonly jobDigest: string;
  readonly now: number;
  readonly attestation: AttestationPolicy;
}

/**
 * Checks, in order: envelope shape; a signature by the pinned receipt key; the payload's fields; nonce and
 * job digest; the pinned job key; report data = reportData(nonce, E); expiry; the attestation policy.
 */
export async function verifyOffer(env: unknown, x: OfferExpectations): Promise<Offer> {
  const payload = openDsse(env, OFFER_PAYLOAD_TYPE, x.receiptKey, "OFFER_INVALID", "key offer");
  let o: Offer;
  try {
    o = JSON.parse(utf8Decode(payload, "offer")) as Offer;
  } catch {
    throw bad("payload: not json");
  }
  const keys = "_type,attestation,expires_at,host,issued_at,job_digest,job_key,nonce,report_data,tee_pubkey";
  if (typeof o !== "object" || o === null || Object.keys(o).sort().join(",") !== keys)
    throw bad(`expected exactly ${keys}`);
  if (o._type !== OFFER_TYPE) throw bad(`_type: expected ${OFFER_TYPE}`);
  if (o.nonce !== x.nonce) throw bad("nonce: not the one this client sent");
  if (o.job_digest !== x.jobDigest) throw bad("job_digest: not this job's");
  if (o.job_key !== x.jobKey) throw bad("job_key: not the pinned job key");
  if (o.host?.receipt_key_id !== x.receiptKey.keyId) throw bad("host.receipt_key_id: not the pinned key");
  if (!isX25519Recipient(o.tee_pubkey)) throw bad("tee_pubkey: expected age1…");
  if (o.tee_pubkey === o.job_key) throw bad("tee_pubkey: must be a fresh key, not the job key");
  const rd = reportData(o.nonce, o.tee_pubkey);
  if (o.report_data !== toHex(rd)) throw bad("report_data: not reportData(nonce, tee_pubkey)");
  const exp = Date.parse(o.expires_at);
  if (Number.isNaN(exp) || exp < x.now) throw bad("expired");
  await verifyAttestation(o.attestation, rd, x.attestation);
  return o;
}
