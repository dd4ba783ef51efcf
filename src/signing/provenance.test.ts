import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { test } from "node:test";
import { verifyProvenance } from "./provenance.js";

/** JWS checks of the node:crypto provenance verifier that a JOSE library would also make. */
const ISS = "https://issuer.test";
const AUD = "sigrun-session:00112233445566778899aabbccddeeff";
const b64u = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

function jws(header: unknown, claims: unknown, key: KeyObject): string {
  const input = `${b64u(header)}.${b64u(claims)}`;
  const sig = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${sig.toString("base64url")}`;
}

function issuer(curve: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
  const jwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1" }] };
  const fetchImpl = (async () => new Response(JSON.stringify(jwks))) as unknown as typeof fetch;
  return { privateKey, fetchImpl };
}

const now = Math.floor(Date.now() / 1000);
const claims = { iss: ISS, aud: AUD, exp: now + 300, sub: "repo:o/r", repository: "o/r" };
const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? "uncoded",
  );

test("provenance: a valid ES256 token verifies", async () => {
  const { privateKey, fetchImpl } = issuer("prime256v1");
  const c = await verifyProvenance(jws({ alg: "ES256", kid: "k1" }, claims, privateKey), {
    issuer: ISS,
    jwksUrl: `${ISS}/jwks`,
    audience: AUD,
    fetch: fetchImpl,
  });
  assert.equal(c.repository, "o/r");
});

test("provenance: ES256 with a key on another curve is refused", async () => {
  const { privateKey, fetchImpl } = issuer("secp384r1");
  const t = jws({ alg: "ES256", kid: "k1" }, claims, privateKey);
  assert.equal(
    await code(verifyProvenance(t, { issuer: ISS, jwksUrl: `${ISS}/jwks`, audience: AUD, fetch: fetchImpl })),
    "UNAUTHORIZED",
  );
});

test("provenance: non-object header or payload and crit headers are coded errors", async () => {
  const { privateKey, fetchImpl } = issuer("prime256v1");
  const o = { issuer: ISS, jwksUrl: `${ISS}/jwks`, audience: AUD, fetch: fetchImpl };
  for (const t of [
    jws(null, claims, privateKey),
    jws({ alg: "ES256", kid: "k1" }, null, privateKey),
    jws({ alg: "ES256", kid: "k1" }, [1], privateKey),
    jws({ alg: "ES256", kid: "k1", crit: ["b64"], b64: false }, claims, privateKey),
  ])
    assert.equal(await code(verifyProvenance(t, o)), "UNAUTHORIZED");
});
