import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { fromBase64Url, SigrunError, toHex, utf8Decode, utf8Encode } from "../core/index.js";
import { sha256Bytes } from "./util.js";

/**
 * Initiator provenance (docs/spec/session.md §6.1): a CI OIDC ID token (a JWT, RS256 or ES256) whose
 * audience is bound to this session's transcript hash, verified by the signer against the issuer's
 * JWKS. Implemented on node:crypto (JWS compact form, RFC 7515/7518/7519); `alg: none` and every
 * other algorithm are refused.
 */
export const MAX_TOKEN_CHARS = 8192;
const MAX_JWKS_BYTES = 64 * 1024;
const SKEW_S = 60;

export interface ProvenanceClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly repository?: string;
  readonly ref?: string;
  readonly workflow?: string;
  readonly sha?: string;
  readonly runId?: string;
  readonly actor?: string;
}

/** The audience a token must carry for this session: "sigrun-session:" + hex(SHA-256(label || TH)[0..16]). */
export function provenanceAudience(transcriptHash: Uint8Array): string {
  return `sigrun-session:${toHex(sha256Bytes(utf8Encode("sigrun-session-v1 provenance"), transcriptHash).slice(0, 16))}`;
}

function bad(message: string, cause?: unknown): never {
  throw new SigrunError(
    "UNAUTHORIZED",
    `provenance token: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

async function fetchJson(
  url: string,
  what: string,
  fetchImpl: typeof fetch,
): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(10_000), redirect: "error" });
  } catch (err) {
    return bad(`${what} ${url}: unreachable`, err);
  }
  if (!res.ok) bad(`${what} ${url}: http status ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.byteLength > MAX_JWKS_BYTES) bad(`${what}: larger than ${MAX_JWKS_BYTES} bytes`);
  try {
    const v = JSON.parse(utf8Decode(body, what));
    if (typeof v !== "object" || v === null || Array.isArray(v)) bad(`${what}: expected a json object`);
    return v as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SigrunError) throw err;
    return bad(`${what}: invalid json`, err);
  }
}

export interface VerifyProvenanceOptions {
  /** The trusted issuer (`iss`), e.g. https://token.actions.githubusercontent.com */
  readonly issuer: string;
  /** JWKS URL; default: the issuer's OpenID configuration `jwks_uri`. */
  readonly jwksUrl?: string;
  readonly audience: string;
  readonly nowSeconds?: number;
  readonly fetch?: typeof fetch;
}

const str = (v: unknown) => (typeof v === "string" && v.length <= 512 ? v : undefined);

export async function verifyProvenance(token: string, o: VerifyProvenanceOptions): Promise<ProvenanceClaims> {
  if (token.length > MAX_TOKEN_CHARS) bad("too long");
  const parts = token.split(".");
  if (parts.length !== 3) bad("expected a JWS compact serialization");
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  let sig: Uint8Array;
  try {
    header = JSON.parse(utf8Decode(fromBase64Url(h, "jwt header")));
    claims = JSON.parse(utf8Decode(fromBase64Url(p, "jwt payload")));
    sig = fromBase64Url(s, "jwt signature");
  } catch (err) {
    return bad("malformed", err);
  }
  const isObj = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObj(header) || !isObj(claims)) bad("header and payload: expected json objects");
  if (header.crit !== undefined) bad("crit: no critical header extension is supported");
  const alg = header.alg;
  if (alg !== "RS256" && alg !== "ES256") bad(`alg ${String(alg)}: expected RS256 or ES256`);
  const f = o.fetch ?? fetch;
  const jwksUrl =
    o.jwksUrl ??
    str(
      (
        await fetchJson(
          `${o.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
          "openid configuration",
          f,
        )
      ).jwks_uri,
    );
  if (jwksUrl === undefined) bad("issuer has no jwks_uri");
  const jwks = await fetchJson(jwksUrl, "jwks", f);
  const keys = Array.isArray(jwks.keys) ? (jwks.keys as Record<string, unknown>[]) : [];
  const jwk = keys.find((k) => typeof k === "object" && k !== null && k.kid === header.kid);
  if (!jwk) bad(`no key ${JSON.stringify(String(header.kid).slice(0, 64))} in the issuer's jwks`);
  let ok = false;
  try {
    const key = createPublicKey({ key: jwk as never, format: "jwk" });
    const input = utf8Encode(`${h}.${p}`);
    ok =
      alg === "RS256"
        ? key.asymmetricKeyType === "rsa" && cryptoVerify("sha256", input, key, sig)
        : key.asymmetricKeyType === "ec" &&
          key.asymmetricKeyDetails?.namedCurve === "prime256v1" &&
          cryptoVerify("sha256", input, { key, dsaEncoding: "ieee-p1363" }, sig);
  } catch (err) {
    return bad("cannot verify with the issuer's key", err);
  }
  if (!ok) bad("signature does not verify against the issuer's jwks");
  const now = o.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (claims.iss !== o.issuer) bad(`iss ${JSON.stringify(str(claims.iss) ?? "")}: expected ${o.issuer}`);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(o.audience)) bad("aud: not bound to this session");
  if (typeof claims.exp !== "number" || claims.exp + SKEW_S < now) bad("expired");
  if (typeof claims.nbf === "number" && claims.nbf - SKEW_S > now) bad("not yet valid");
  if (typeof claims.iat === "number" && claims.iat - SKEW_S > now) bad("issued in the future");
  const out: Record<string, string> = { issuer: o.issuer, subject: str(claims.sub) ?? "" };
  const map: [string, string][] = [
    ["repository", "repository"],
    ["ref", "ref"],
    ["workflow", "workflow"],
    ["sha", "sha"],
    ["run_id", "runId"],
    ["actor", "actor"],
  ];
  for (const [from, to] of map) {
    const v = str(claims[from]);
    if (v !== undefined) out[to] = v;
  }
  return out as unknown as ProvenanceClaims;
}

/** Asks GitHub Actions for an ID token with `audience` (needs `permissions: id-token: write`). */
export async function githubActionsToken(
  audience: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer)
    throw new SigrunError(
      "USAGE",
      "provenance: ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN not set (GitHub Actions with id-token: write)",
    );
  const sep = url.includes("?") ? "&" : "?";
  let res: Response;
  try {
    res = await fetch(`${url}${sep}audience=${encodeURIComponent(audience)}`, {
      headers: { authorization: `bearer ${bearer}`, accept: "application/json" },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new SigrunError("TRANSPORT_ERROR", "provenance: cannot reach the ID token endpoint", {
      cause: err,
    });
  }
  if (!res.ok)
    throw new SigrunError("TRANSPORT_ERROR", `provenance: ID token endpoint returned ${res.status}`);
  const v = (await res.json()) as { value?: unknown };
  if (typeof v.value !== "string" || v.value.length > MAX_TOKEN_CHARS)
    throw new SigrunError("TRANSPORT_ERROR", "provenance: ID token endpoint returned no token");
  return v.value;
}
