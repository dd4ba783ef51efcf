// A throw-away PKI made with the real openssl CLI: a CA, a server certificate for 127.0.0.1 and client
// certificates (clientAuth) with the subject CN and subjectAltName entries a test asks for.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Skip reason when openssl is missing (a failure in CI: scripts/run-tests.mjs). */
export const noOpenssl: string | undefined =
  spawnSync("openssl", ["version"]).status === 0 ? undefined : "openssl not installed";

export interface ClientSpec {
  /** File stem: `<name>.crt`, `<name>.key`. */
  readonly name: string;
  readonly cn: string;
  /** openssl `[alt]` section lines, e.g. `DNS.1 = dash.internal`. */
  readonly alt?: readonly string[];
  /** Issue it from a second, untrusted CA instead. */
  readonly foreignCa?: boolean;
}

function ossl(args: string[], cwd: string): string {
  return execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] }).toString();
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

function makeCa(dir: string, name: string): void {
  ossl(
    [
      "req",
      "-x509",
      ...EC,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
    ],
    dir,
  );
}

function issue(dir: string, ca: string, name: string, cn: string, ext: string): void {
  ossl(["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`], dir);
  writeFileSync(join(dir, `${name}.ext`), ext);
  ossl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    ],
    dir,
  );
}

/**
 * Writes ca.crt/key, server.crt/key (SAN IP:127.0.0.1) and one certificate per client spec into `dir`
 * (CN escaped for openssl's -subj: a `/` or `,` in it is taken literally). Returns `dir`-joined paths.
 */
export function makeTlsPki(
  dir: string,
  clients: readonly ClientSpec[],
): {
  ca: string;
  cert: (n: string) => string;
  key: (n: string) => string;
  serverCert: string;
  serverKey: string;
} {
  makeCa(dir, "ca");
  issue(dir, "ca", "server", "server", "subjectAltName=IP:127.0.0.1\n");
  if (clients.some((c) => c.foreignCa)) makeCa(dir, "foreign-ca");
  for (const c of clients) {
    const ext = c.alt?.length
      ? `extendedKeyUsage=clientAuth\nsubjectAltName=@alt\n[alt]\n${c.alt.join("\n")}\n`
      : "extendedKeyUsage=clientAuth\n";
    issue(dir, c.foreignCa ? "foreign-ca" : "ca", c.name, c.cn.replace(/([/,+=])/g, "\\$1"), ext);
  }
  return {
    ca: join(dir, "ca.crt"),
    cert: (n) => join(dir, `${n}.crt`),
    key: (n) => join(dir, `${n}.key`),
    serverCert: join(dir, "server.crt"),
    serverKey: join(dir, "server.key"),
  };
}

/** `openssl x509 -noout -fingerprint -sha256` of a certificate, as openssl prints it (`AB:CD:…`). */
export function opensslFingerprint(certPath: string): string {
  const out = ossl(["x509", "-in", certPath, "-noout", "-fingerprint", "-sha256"], ".");
  const m = /Fingerprint=([0-9A-F:]+)/i.exec(out);
  if (!m?.[1]) throw new Error(`openssl printed no fingerprint: ${out}`);
  return m[1];
}
