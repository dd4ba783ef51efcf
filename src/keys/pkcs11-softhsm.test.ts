import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { verify as cryptoVerify } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  createTempToken,
  SOFTHSM_MODULE,
  softhsmUnavailable,
  type TempToken,
  TOKEN_LABEL,
  USER_PIN,
} from "../../test/kit/softhsm.js";
import { isSigrunError } from "../core/index.js";
import {
  loadSigner,
  openPgpPublicKey,
  pkcs11Signer,
  publicKeyPem,
  signFile,
  verifyDetached,
} from "./index.js";

const CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const skip = softhsmUnavailable();
const have = (bin: string) => !spawnSync(bin, ["--version"]).error || !spawnSync(bin, ["-V"]).error;

describe("pkcs11 signer against a temporary SoftHSM2 token", { skip }, () => {
  let token: TempToken;
  const msg = new TextEncoder().encode("signed on a token\n");
  before(() => {
    token = createTempToken();
    token.generate("p256", "k1", Uint8Array.of(1));
    token.generate("ed25519", "k2", Uint8Array.of(2));
    token.generate("rsa", "k3", Uint8Array.of(3));
  });
  after(() => token?.cleanup());

  for (const [label, alg] of [
    ["k1", "p256"],
    ["k2", "ed25519"],
    ["k3", "rsa"],
  ] as const) {
    it(`${alg}: signs raw; node:crypto and openssl verify`, async () => {
      const signer = await pkcs11Signer({
        module: SOFTHSM_MODULE,
        tokenLabel: TOKEN_LABEL,
        keyLabel: label,
        pin: USER_PIN,
      });
      try {
        assert.equal(signer.publicKey.algorithm, alg);
        const sig = await signer.sign(msg);
        const hash = alg === "ed25519" ? null : "sha256";
        assert.equal(cryptoVerify(hash, msg, signer.publicKey.keyObject, sig), true);
        assert.equal(
          cryptoVerify(hash, new TextEncoder().encode("other"), signer.publicKey.keyObject, sig),
          false,
        );
        const pub = join(token.dir, `${label}.pub`);
        const sigFile = join(token.dir, `${label}.sig`);
        const data = join(token.dir, "msg");
        writeFileSync(pub, publicKeyPem(signer.publicKey.keyObject));
        writeFileSync(sigFile, sig);
        writeFileSync(data, msg);
        const args =
          alg === "ed25519"
            ? ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", data, "-sigfile", sigFile]
            : ["dgst", "-sha256", "-verify", pub, "-signature", sigFile, data];
        const r = spawnSync("openssl", args, { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
      } finally {
        await signer.close();
      }
    });
  }

  it("ssh and openpgp formats work through a token key (ssh-keygen and gpgv verify)", async (t) => {
    if (!have("ssh-keygen") || !have("gpgv")) return t.skip("ssh-keygen or gpgv not installed");
    const signer = await loadSigner(`pkcs11:token=${TOKEN_LABEL};id=%02?module-path=${SOFTHSM_MODULE}`, {
      pin: USER_PIN,
    });
    try {
      const data = join(token.dir, "msg2");
      writeFileSync(data, msg);
      const ssh = await signFile(signer, msg, "ssh");
      assert.equal((await verifyDetached(msg, ssh, signer.publicKey)).ok, true);
      const { openSshPublicKeyLine } = await import("./index.js");
      writeFileSync(join(token.dir, "allowed"), `me ${openSshPublicKeyLine(signer.publicKey.keyObject)}\n`);
      writeFileSync(join(token.dir, "msg2.sig"), ssh);
      const r = spawnSync(
        "ssh-keygen",
        [
          "-Y",
          "verify",
          "-f",
          join(token.dir, "allowed"),
          "-I",
          "me",
          "-n",
          "file",
          "-s",
          join(token.dir, "msg2.sig"),
        ],
        { input: msg, encoding: "utf8" },
      );
      assert.equal(r.status, 0, r.stderr);
      const cert = await openPgpPublicKey(signer, "Token <t@example.com>");
      const pgp = await signFile(signer, msg, "openpgp");
      writeFileSync(join(token.dir, "k.asc"), cert);
      writeFileSync(join(token.dir, "msg2.asc"), pgp);
      const home = join(token.dir, "gnupg");
      spawnSync("mkdir", ["-m", "700", home]);
      const env = { ...process.env, GNUPGHOME: home };
      const d = spawnSync(
        "gpg",
        ["--batch", "--dearmor", "-o", join(token.dir, "k.gpg"), join(token.dir, "k.asc")],
        { env },
      );
      assert.equal(d.status, 0);
      const v = spawnSync(
        "gpgv",
        ["--keyring", join(token.dir, "k.gpg"), join(token.dir, "msg2.asc"), data],
        {
          env,
          encoding: "utf8",
        },
      );
      assert.equal(v.status, 0, v.stderr);
    } finally {
      await signer.close();
    }
  });

  it("two signers on one module at once (closed in reverse order)", async () => {
    const a = await pkcs11Signer({
      module: SOFTHSM_MODULE,
      tokenLabel: TOKEN_LABEL,
      keyLabel: "k1",
      pin: USER_PIN,
    });
    const b = await pkcs11Signer({
      module: SOFTHSM_MODULE,
      tokenLabel: TOKEN_LABEL,
      keyId: Uint8Array.of(2),
      pin: USER_PIN,
    });
    await a.sign(msg);
    await b.sign(msg);
    await b.close();
    assert.equal(cryptoVerify("sha256", msg, a.publicKey.keyObject, await a.sign(msg)), true);
    await a.close();
  });

  it("a wrong pin is PKCS11_ERROR", async () => {
    await assert.rejects(
      pkcs11Signer({ module: SOFTHSM_MODULE, tokenLabel: TOKEN_LABEL, keyLabel: "k1", pin: "9999" }),
      (e) => isSigrunError(e, "PKCS11_ERROR"),
    );
  });

  it("an unknown token or key label is PKCS11_ERROR", async () => {
    await assert.rejects(
      pkcs11Signer({ module: SOFTHSM_MODULE, tokenLabel: "nope", keyLabel: "k1", pin: USER_PIN }),
      (e) => isSigrunError(e, "PKCS11_ERROR"),
    );
    await assert.rejects(
      pkcs11Signer({ module: SOFTHSM_MODULE, tokenLabel: TOKEN_LABEL, keyLabel: "zz", pin: USER_PIN }),
      (e) => isSigrunError(e, "PKCS11_ERROR"),
    );
  });

  it("cli: sign-file --key pkcs11:… --pin-file, then openssl and verify-file accept it", () => {
    const env = { ...process.env, SOFTHSM2_CONF: token.conf };
    const data = join(token.dir, "cli-msg");
    writeFileSync(data, msg);
    const uri = `pkcs11:token=${TOKEN_LABEL};object=k1?module-path=${SOFTHSM_MODULE}`;
    const s = spawnSync(
      process.execPath,
      [CLI, "sign-file", data, "--key", uri, "--pin-file", token.pinFile],
      {
        env,
        encoding: "utf8",
      },
    );
    assert.equal(s.status, 0, s.stderr);
    const pub = join(token.dir, "cli.pub");
    const k = spawnSync(process.execPath, [CLI, "key", "id", uri, "--pin-file", token.pinFile, "--json"], {
      env,
      encoding: "utf8",
    });
    assert.equal(k.status, 0, k.stderr);
    assert.match(JSON.parse(k.stdout).keyId, /^sha256:[0-9a-f]{64}$/);
    const e = spawnSync(
      process.execPath,
      [CLI, "key", "export", uri, "--format", "openssh", "--pin-file", token.pinFile],
      {
        env,
        encoding: "utf8",
      },
    );
    assert.equal(e.status, 0, e.stderr);
    writeFileSync(pub, e.stdout);
    const v = spawnSync(process.execPath, [CLI, "verify-file", data, "--sig", `${data}.sig`, "--pub", pub], {
      env,
      encoding: "utf8",
    });
    assert.equal(v.status, 0, v.stderr);
    const pin = spawnSync(
      process.execPath,
      [CLI, "sign-file", data, "--key", `${uri}&pin-value=${USER_PIN}`, "-o", "-"],
      { env, encoding: "utf8" },
    );
    assert.equal(pin.status, 2, pin.stderr);
  });
});
