// X.509 test chains made by the real openssl CLI (root CA → intermediate CA → server), for verify_cert tests.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const SUBJ = { root: "/CN=sigrun test root", inter: "/CN=sigrun test intermediate" };

function ossl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function ext(dir: string, name: string, lines: string[]): string {
  const p = join(dir, `${name}.ext`);
  writeFileSync(p, `${lines.join("\n")}\n`);
  return p;
}

const CA_EXT = ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"];
const SERVER_EXT = [
  "basicConstraints=CA:FALSE",
  "extendedKeyUsage=serverAuth",
  "subjectAltName=DNS:example.test",
];

/** A P-256 key and a CSR for `subj` (files `<name>.key`, `<name>.csr`). */
function keyAndCsr(dir: string, name: string, subj: string): void {
  ossl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`]);
  ossl(dir, ["req", "-new", "-key", `${name}.key`, "-subj", subj, "-out", `${name}.csr`]);
}

function sign(
  dir: string,
  name: string,
  issuer: string,
  extLines: string[],
  days: number,
  serial: number,
): void {
  ossl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${issuer}.pem`,
    "-CAkey",
    `${issuer}.key`,
    "-set_serial",
    String(serial),
    "-days",
    String(days),
    "-sha256",
    "-extfile",
    ext(dir, name, extLines),
    "-out",
    `${name}.pem`,
  ]);
}

/** A self-signed root CA `<name>.pem`/`<name>.key`. */
export function makeRoot(dir: string, name = "root"): void {
  ossl(dir, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`]);
  ossl(dir, [
    "req",
    "-x509",
    "-new",
    "-key",
    `${name}.key`,
    "-subj",
    name === "root" ? SUBJ.root : `/CN=sigrun ${name}`,
    "-days",
    "30",
    "-sha256",
    "-addext",
    CA_EXT[0]!,
    "-addext",
    CA_EXT[1]!,
    "-out",
    `${name}.pem`,
  ]);
}

/** An intermediate CA `inter.pem` issued by `issuer`. */
export function makeIntermediate(dir: string, issuer = "root", name = "inter"): void {
  keyAndCsr(dir, name, SUBJ.inter);
  sign(dir, name, issuer, CA_EXT, 30, 2);
}

/** A server certificate `<name>.pem` issued by `issuer`; `opts` make it expired, a CA, or client-only. */
export function makeServer(
  dir: string,
  issuer: string,
  name = "server",
  opts: { expired?: boolean; ca?: boolean; clientOnly?: boolean } = {},
): void {
  keyAndCsr(dir, name, `/CN=${name}.example.test`);
  let lines = SERVER_EXT;
  if (opts.ca) lines = CA_EXT;
  if (opts.clientOnly) lines = ["basicConstraints=CA:FALSE", "extendedKeyUsage=clientAuth"];
  sign(dir, name, issuer, lines, opts.expired ? -1 : 30, 3);
}

/** `openssl verify -CAfile root [-untrusted inter] server`: true when openssl accepts the chain. */
export function opensslVerifies(dir: string, root: string, server: string, untrusted?: string): boolean {
  const args = ["verify", "-purpose", "sslserver", "-CAfile", root];
  if (untrusted) args.push("-untrusted", untrusted);
  args.push(server);
  return spawnSync("openssl", args, { cwd: dir, stdio: "ignore" }).status === 0;
}
