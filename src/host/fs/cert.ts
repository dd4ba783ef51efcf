import { X509Certificate } from "node:crypto";
import { HostError } from "../errors.js";
import type { FileHandle } from "./file.js";
import { checkFile } from "./file.js";
import { readAllBytes } from "./read-bytes.js";

/** Most certificates taken from one file, and most intermediates (sub-CAs) in a path (webpki: 6). */
const MAX_CERTS_PER_FILE = 64;
const MAX_SUB_CAS = 6;
/** webpki's budget: signature verifications per chain search. */
const MAX_SIGNATURE_CHECKS = 100;

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

/** The signature algorithms of webpki's `ALL_VERIFICATION_ALGS` (ring): no SHA-1, no P-521. */
const ALLOWED_SIG_OIDS = new Set([
  "1.2.840.10045.4.3.2", // ecdsa-with-SHA256
  "1.2.840.10045.4.3.3", // ecdsa-with-SHA384
  "1.3.101.112", // Ed25519
  "1.2.840.113549.1.1.11", // sha256WithRSAEncryption
  "1.2.840.113549.1.1.12", // sha384WithRSAEncryption
  "1.2.840.113549.1.1.13", // sha512WithRSAEncryption
  "1.2.840.113549.1.1.10", // RSASSA-PSS
]);

const parseError = (reason: string): HostError =>
  new HostError("Other", `Certificate parse error: ${reason}`);
const verifyError = (reason: string): HostError =>
  new HostError("Other", `Certificate verification error: Certificate chain verification failed: ${reason}`);

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every `CERTIFICATE` PEM section of the file (other sections are skipped, as rustls-pki-types). */
function readCerts(f: FileHandle): Buffer[] {
  let text: string;
  try {
    text = readAllBytes(f.fd, f.fullPath()).toString("latin1");
  } catch (err) {
    throw parseError(`Failed to read certificate file: ${(err as Error).message}`);
  }
  const out: Buffer[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    if (m[1] !== "CERTIFICATE") continue;
    const body = (m[2] ?? "").replace(/[\r\n\t ]/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw parseError("Failed to parse PEM certificates: invalid base64");
    }
    if (out.length >= MAX_CERTS_PER_FILE) {
      throw parseError(`Failed to parse PEM certificates: more than ${MAX_CERTS_PER_FILE} certificates`);
    }
    out.push(Buffer.from(body, "base64"));
  }
  return out;
}

function parse(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (err) {
    throw parseError(`Failed to parse ${what}: ${(err as Error).message}`);
  }
}

/** webpki's key rules for the issuer key: RSA 2048–8192 bits, ECDSA P-256/P-384, Ed25519. */
function keyAllowed(issuer: X509Certificate): boolean {
  const k = issuer.publicKey;
  const d = k.asymmetricKeyDetails ?? {};
  if (k.asymmetricKeyType === "rsa" || k.asymmetricKeyType === "rsa-pss") {
    const bits = d.modulusLength ?? 0;
    return bits >= 2048 && bits <= 8192;
  }
  if (k.asymmetricKeyType === "ec") return d.namedCurve === "prime256v1" || d.namedCurve === "secp384r1";
  return k.asymmetricKeyType === "ed25519";
}

/** Validity at `now` (webpki checks every certificate but the trust anchor). */
function timeProblem(c: X509Certificate, now: Date): string | undefined {
  if (now < c.validFromDate) return "CertNotValidYet";
  if (now > c.validToDate) return "CertExpired";
  return undefined;
}

/** The extended key usage, when present, must allow server authentication (webpki `RequiredIfPresent`). */
const ekuProblem = (c: X509Certificate): string | undefined =>
  c.keyUsage !== undefined && !c.keyUsage.includes(SERVER_AUTH) ? "RequiredEkuNotFound" : undefined;

/**
 * Rex's `verify_cert_chain` (webpki `verify_for_usage`, server auth, no revocation): the root file's first
 * certificate is the trust anchor (its own validity and CA flag are not checked, as a webpki anchor); the
 * server file's first certificate is the end entity (not a CA, valid now, serverAuth if it has an EKU), its
 * further certificates join the intermediates. A path is searched depth first from the end entity through
 * intermediates (each a CA, valid now, EKU allowing serverAuth if present, at most 6) to a certificate
 * issued by the anchor; every link is an issuer-name match plus a signature check with an allowed
 * algorithm and key. Stricter than Rex: each file is read only after read F.
 */
export function verifyCertChain(server: FileHandle, root: FileHandle, intermediates: FileHandle[]): void {
  for (const f of [root, server, ...intermediates]) checkFile(f.ctx, "read", f.fullPath());
  const rootDer = readCerts(root);
  const serverDer = readCerts(server);
  const interDer: Buffer[] = [];
  for (const f of intermediates) interDer.push(...readCerts(f));
  const anchorDer = rootDer[0];
  if (anchorDer === undefined) throw parseError("No certificates found in root CA file");
  const anchor = parse(anchorDer, "root certificate as trust anchor");
  const [eeDer, ...bundled] = serverDer;
  if (eeDer === undefined) throw parseError("No certificates found in server certificate file");
  const ee = parse(eeDer, "end-entity certificate");
  const pool = [...bundled, ...interDer].map((d) => parse(d, "intermediate certificate"));
  const now = new Date();

  if (ee.ca) throw verifyError("CaUsedAsEndEntity");
  const eeTime = timeProblem(ee, now);
  if (eeTime) throw verifyError(eeTime);
  const eeEku = ekuProblem(ee);
  if (eeEku) throw verifyError(eeEku);

  let checks = 0;
  let best: string | undefined;
  const signedBy = (c: X509Certificate, issuer: X509Certificate): boolean => {
    if (!ALLOWED_SIG_OIDS.has(c.signatureAlgorithmOid ?? "") || !keyAllowed(issuer)) {
      best ??= "UnsupportedSignatureAlgorithm";
      return false;
    }
    if (++checks > MAX_SIGNATURE_CHECKS) throw verifyError("MaximumSignatureChecksExceeded");
    if (!c.verify(issuer.publicKey)) {
      best = "InvalidSignatureForPublicKey";
      return false;
    }
    return true;
  };
  const search = (c: X509Certificate, path: X509Certificate[]): boolean => {
    if (c.issuer === anchor.subject && signedBy(c, anchor)) return true;
    if (path.length >= MAX_SUB_CAS) {
      best ??= "MaximumPathDepthExceeded";
      return false;
    }
    for (const i of pool) {
      if (i.issuer === undefined || c.issuer !== i.subject || path.includes(i)) continue;
      const problem = !i.ca ? "EndEntityUsedAsCa" : (timeProblem(i, now) ?? ekuProblem(i));
      if (problem) {
        best = problem;
        continue;
      }
      if (signedBy(c, i) && search(i, [...path, i])) return true;
    }
    return false;
  };
  if (!search(ee, [])) throw verifyError(best ?? "UnknownIssuer");
}

/** Rex's `verify_cert(root)`: `verify_cert_chain` with no intermediates. */
export function verifyCert(server: FileHandle, root: FileHandle): void {
  verifyCertChain(server, root, []);
}
