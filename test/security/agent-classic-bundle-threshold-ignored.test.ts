// Attack: `"threshold": 2` in agent.json, and a classic `bundle.tar.gz` + `bundle.sig` signed by ONE
// trusted key: it ran, because the classic path got the trust store but not the agent's threshold.
// Every verification path must take the same trust parameters from one place. This test enumerates the
// agent's intake forms (native .sgb, classic tar.gz + openssl signature) × trust settings (threshold from
// the agent's options or from the trust store, revoked signer, a key trusted only for another purpose)
// and expects the same decision for both forms wherever the form can express it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { Agent } from "../../src/agent/agent.js";
import { type KeyPurpose, type TrustStore, trustStoreOf } from "../../src/bundle/index.js";
import { fileSigner, generateKey, publicKeyInfo, rawSign } from "../../src/keys/index.js";
import { STUB_RUNNER, stubBundle, tempDir } from "../kit/agent-fixtures.js";
import { rawTar, rawTarEntry } from "../kit/bundle-fixtures.js";

const a = generateKey("ed25519");
const b = generateKey("ed25519");
const infoA = publicKeyInfo(a.publicKey);
const infoB = publicKeyInfo(b.publicKey);
const signerA = fileSigner(a.privateKey);
const signerB = fileSigner(b.privateKey);

function classic(): { bytes: Uint8Array; sig: Uint8Array } {
  const tar = rawTar([
    rawTarEntry({ name: "script.rhai", data: Buffer.from(JSON.stringify({ op: "echo", value: "hi" })) }),
    rawTarEntry({ name: "policy.cedar", data: Buffer.from("permit(principal, action, resource);\n") }),
  ]);
  const bytes = new Uint8Array(gzipSync(tar));
  return { bytes, sig: rawSign("ed25519", a.privateKey, bytes) };
}

interface Setting {
  name: string;
  trust: TrustStore;
  threshold?: number;
  /** expected error code (null = runs) for: sgb signed by A, sgb signed by A+B, classic signed by A */
  expect: { sgbOne: string | null; sgbTwo: string | null; classicOne: string | null };
}

const settings: Setting[] = [
  {
    name: "defaults (threshold 1)",
    trust: trustStoreOf([infoA, infoB]),
    expect: { sgbOne: null, sgbTwo: null, classicOne: null },
  },
  {
    name: "agent option threshold 2 (agent.json)",
    trust: trustStoreOf([infoA, infoB]),
    threshold: 2,
    expect: { sgbOne: "THRESHOLD_NOT_MET", sgbTwo: null, classicOne: "THRESHOLD_NOT_MET" },
  },
  {
    name: "trust-store threshold file 2",
    trust: trustStoreOf([infoA, infoB], { threshold: 2 }),
    expect: { sgbOne: "THRESHOLD_NOT_MET", sgbTwo: null, classicOne: "THRESHOLD_NOT_MET" },
  },
  {
    name: "agent option threshold 1 cannot lower the trust store's 2",
    trust: trustStoreOf([infoA, infoB], { threshold: 2 }),
    threshold: 1,
    expect: { sgbOne: "THRESHOLD_NOT_MET", sgbTwo: null, classicOne: "THRESHOLD_NOT_MET" },
  },
  {
    name: "signer A revoked",
    trust: trustStoreOf([infoA, infoB], { revoked: [infoA.keyId] }),
    expect: { sgbOne: "SIGNER_REVOKED", sgbTwo: null, classicOne: "SIGNER_REVOKED" },
  },
  {
    name: "key A trusted for file signatures only (purposes)",
    trust: trustStoreOf([infoA, infoB], {
      purposes: new Map([
        [infoA.keyId, new Set<KeyPurpose>(["file"])],
        [infoB.keyId, new Set<KeyPurpose>(["bundle"])],
      ]),
    }),
    expect: { sgbOne: "SIGNER_UNTRUSTED", sgbTwo: null, classicOne: "SIGNER_UNTRUSTED" },
  },
];

for (const s of settings) {
  test(`intake forms × trust: ${s.name}`, async () => {
    const d = tempDir();
    const agent = await Agent.start({
      stateDir: d.path,
      hostId: "h1",
      trust: s.trust,
      threshold: s.threshold,
      runnerModule: STUB_RUNNER,
    });
    try {
      const code = async (sub: { bytes: Uint8Array; sig?: Uint8Array }) => {
        const r = await agent.submit({ ...sub, transport: "inbox" });
        return r.status === "rejected" ? r.errorCode : null;
      };
      assert.equal(await code({ bytes: await stubBundle([signerA]) }), s.expect.sgbOne, "sgb signed by A");
      assert.equal(
        await code({ bytes: await stubBundle([signerA, signerB]) }),
        s.expect.sgbTwo,
        "sgb signed by A and B",
      );
      assert.equal(await code(classic()), s.expect.classicOne, "classic signed by A");
    } finally {
      await agent.close();
      d.cleanup();
    }
  });
}
