import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Test helper: a throw-away SoftHSM2 token with key pairs generated on it through pkcs11js. */
export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";
export const TOKEN_LABEL = "sigrun-test";
export const USER_PIN = "1234";

export interface TempToken {
  readonly dir: string;
  /** Path of the temporary softhsm2.conf (set SOFTHSM2_CONF to it in child processes). */
  readonly conf: string;
  readonly pinFile: string;
  /** Generates a key pair on the token; returns nothing, find it by label. */
  generate(kind: "p256" | "ed25519" | "rsa", label: string, id: Uint8Array): void;
  cleanup(): void;
}

/** Why the SoftHSM tests cannot run here, or undefined when they can. */
export function softhsmUnavailable(): string | undefined {
  if (!existsSync(SOFTHSM_MODULE)) return `${SOFTHSM_MODULE} not installed (apt-get install softhsm2)`;
  if (spawnSync("softhsm2-util", ["--version"]).error) return "softhsm2-util not on PATH";
  try {
    createRequire(import.meta.url)("pkcs11js");
  } catch {
    return "pkcs11js native module not built";
  }
  return undefined;
}

/**
 * Creates a token in a temp dir and points this process's SOFTHSM2_CONF at it (SoftHSM reads the
 * variable at C_Initialize). Call cleanup() in an after() hook.
 */
export function createTempToken(): TempToken {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-softhsm-"));
  const tokens = join(dir, "tokens");
  mkdirSync(tokens);
  const conf = join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const pinFile = join(dir, "pin");
  writeFileSync(pinFile, `${USER_PIN}\n`, { mode: 0o600 });
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const r = spawnSync(
    "softhsm2-util",
    ["--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", "12345678", "--pin", USER_PIN],
    { env, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${r.stderr}`);
  process.env.SOFTHSM2_CONF = conf;
  return {
    dir,
    conf,
    pinFile,
    generate: (kind, label, id) => generateOnToken(kind, label, id),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function generateOnToken(kind: "p256" | "ed25519" | "rsa", label: string, id: Uint8Array): void {
  const m = createRequire(import.meta.url)("pkcs11js") as typeof import("pkcs11js");
  const p = new m.PKCS11();
  p.load(SOFTHSM_MODULE);
  let initialized = false;
  try {
    p.C_Initialize();
    initialized = true;
  } catch (err) {
    if ((err as { code?: number }).code !== m.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw err;
  }
  try {
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trimEnd() === TOKEN_LABEL);
    if (!slot) throw new Error("token not found");
    const session = p.C_OpenSession(slot, m.CKF_SERIAL_SESSION | m.CKF_RW_SESSION);
    p.C_Login(session, m.CKU_USER, USER_PIN);
    const common = [
      { type: m.CKA_TOKEN, value: true },
      { type: m.CKA_LABEL, value: label },
      { type: m.CKA_ID, value: Buffer.from(id) },
    ];
    let mech: number;
    let pub: { type: number; value?: number | boolean | string | Buffer }[];
    if (kind === "rsa") {
      mech = m.CKM_RSA_PKCS_KEY_PAIR_GEN;
      pub = [
        { type: m.CKA_MODULUS_BITS, value: 2048 },
        { type: m.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      ];
    } else {
      mech = kind === "p256" ? m.CKM_EC_KEY_PAIR_GEN : 0x1055; // CKM_EC_EDWARDS_KEY_PAIR_GEN
      pub = [
        {
          type: m.CKA_EC_PARAMS,
          value: Buffer.from(kind === "p256" ? "06082a8648ce3d030107" : "06032b6570", "hex"),
        },
      ];
    }
    p.C_GenerateKeyPair(
      session,
      { mechanism: mech },
      [...common, ...pub, { type: m.CKA_VERIFY, value: true }],
      [
        ...common,
        { type: m.CKA_SIGN, value: true },
        { type: m.CKA_PRIVATE, value: true },
        { type: m.CKA_SENSITIVE, value: true },
      ],
    );
    p.C_Logout(session);
    p.C_CloseSession(session);
  } finally {
    if (initialized) p.C_Finalize();
    p.close();
  }
}
