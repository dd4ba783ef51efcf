import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { createServer, type Server } from "node:http";

/**
 * A local OIDC issuer for provenance tests: OpenID configuration, JWKS, and a GitHub-Actions-like
 * ID token endpoint (`GET /token?audience=…` with `Authorization: bearer runner-token`).
 */
export interface LocalIssuer {
  readonly url: string;
  readonly key: KeyObject;
  mint(claims: Record<string, unknown>, opts?: { key?: KeyObject; alg?: string; kid?: string }): string;
  close(): Promise<void>;
}

const b64u = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

export const GITHUB_CLAIMS = {
  sub: "repo:acme/app:ref:refs/heads/main",
  repository: "acme/app",
  ref: "refs/heads/main",
  workflow: "release",
  sha: "0123456789abcdef0123456789abcdef01234567",
  run_id: "42",
  actor: "octocat",
};

export async function startIssuer(): Promise<LocalIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  let url = "";
  const mint: LocalIssuer["mint"] = (claims, opts = {}) => {
    const header = { alg: opts.alg ?? "ES256", kid: opts.kid ?? "k1", typ: "JWT" };
    const now = Math.floor(Date.now() / 1000);
    const body = { iss: url, iat: now, nbf: now, exp: now + 300, ...GITHUB_CLAIMS, ...claims };
    const input = `${b64u(header)}.${b64u(body)}`;
    const sig = sign("sha256", Buffer.from(input), {
      key: opts.key ?? privateKey,
      dsaEncoding: "ieee-p1363",
    });
    return `${input}.${sig.toString("base64url")}`;
  };
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? "/", url);
    const json = (v: unknown, status = 200) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(v));
    };
    if (u.pathname === "/.well-known/openid-configuration")
      return json({ issuer: url, jwks_uri: `${url}/jwks` });
    if (u.pathname === "/jwks")
      return json({
        keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", use: "sig", alg: "ES256" }],
      });
    if (u.pathname === "/token") {
      if (req.headers.authorization !== "bearer runner-token") return json({ error: "unauthorized" }, 401);
      return json({ value: mint({ aud: u.searchParams.get("audience") ?? "" }) });
    }
    return json({ error: "not found" }, 404);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  url = `http://127.0.0.1:${addr.port}`;
  return {
    url,
    key: privateKey,
    mint,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
