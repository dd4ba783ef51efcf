import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bundleCaps,
  createBundle,
  parseBundle,
  signBundle,
  trustStoreOf,
  verifyBundle,
} from "../bundle/index.js";
import { isSigrunError } from "../core/index.js";
import {
  fileSigner,
  generateKey,
  privateKeyPem,
  publicKeyInfo,
  publicKeyPem,
  shortKeyId,
} from "../keys/index.js";

export const DEMO_SCRIPT = `// A Rhai script: the owner signs it, the agent runs it only if it verifies.
let files = ["a.txt", "b.txt"];
let report = #{ host: "demo", checked: files.len() };
report
`;

export const DEMO_POLICY = `// Cedar: this bundle may only read under /var/tmp/demo.
permit (
  principal,
  action == file_system::Action::"read",
  resource
) when { resource.path like "/var/tmp/demo/*" };
`;

export interface DemoStep {
  readonly step: string;
  readonly command: string;
  readonly expected: string;
  readonly got: string;
  readonly asExpected: boolean;
}

/**
 * The demo: the same steps a user would run with the CLI (printed beside each step), done in-process on
 * embedded defaults in a temporary directory.
 */
export async function runDemo(opts: { keep: boolean; log: (line: string) => void }): Promise<DemoStep[]> {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-demo-"));
  const steps: DemoStep[] = [];
  const record = (step: string, command: string, expected: string, got: string): void => {
    const s = { step, command, expected, got, asExpected: expected === got };
    steps.push(s);
    opts.log(
      `${s.asExpected ? "✔" : "✘"} ${step}\n    $ ${command}\n    → ${got}${s.asExpected ? "" : ` (expected ${expected})`}`,
    );
  };
  const outcome = (fn: () => unknown): string => {
    try {
      fn();
      return "OK";
    } catch (err) {
      if (isSigrunError(err)) return err.code;
      throw err;
    }
  };
  try {
    opts.log(`sigrun demo — working in ${dir}\n`);
    const owner = generateKey("ed25519");
    writeFileSync(join(dir, "owner.key"), privateKeyPem(owner.privateKey), { mode: 0o600 });
    writeFileSync(join(dir, "owner.pub"), publicKeyPem(owner.publicKey));
    const ownerInfo = publicKeyInfo(owner.publicKey);
    record("generate the owner's signing key", "sigrun keygen -o owner", "OK", "OK");
    opts.log(`    key id ${ownerInfo.keyId} (${shortKeyId(ownerInfo.keyId)})`);
    writeFileSync(join(dir, "script.rhai"), DEMO_SCRIPT);
    writeFileSync(join(dir, "policy.cedar"), DEMO_POLICY);
    const unsigned = createBundle({
      files: new Map([
        ["script.rhai", new TextEncoder().encode(DEMO_SCRIPT)],
        ["policy.cedar", new TextEncoder().encode(DEMO_POLICY)],
      ]),
      entry: "script.rhai",
      policy: "policy.cedar",
      targets: ["demo-host"],
      created: Date.now(),
      validForMs: 3_600_000,
    });
    const id = parseBundle(unsigned, bundleCaps()).manifest.id;
    record(
      "bundle the script and policy",
      "sigrun bundle create -s script.rhai -p policy.cedar --target demo-host --expires 1h -o job.sgb",
      "OK",
      "OK",
    );
    const signed = await signBundle(unsigned, fileSigner(owner.privateKey));
    writeFileSync(join(dir, "job.sgb"), signed);
    record("sign the bundle", "sigrun bundle sign job.sgb --key owner.key", "OK", "OK");
    const trust = trustStoreOf([ownerInfo]);
    record(
      "verify on the instance",
      "sigrun verify job.sgb --trust owner.pub --host demo-host",
      "OK",
      outcome(() => verifyBundle(signed, { trust, host: "demo-host" })),
    );
    record(
      "an unsigned bundle is refused",
      "sigrun verify unsigned.sgb --trust owner.pub",
      "THRESHOLD_NOT_MET",
      outcome(() => verifyBundle(unsigned, { trust })),
    );
    const tampered = new Uint8Array(signed);
    const at = Buffer.from(tampered).indexOf(`host: "demo"`) + 7;
    tampered[at] ^= 0x20;
    writeFileSync(join(dir, "tampered.sgb"), tampered);
    record(
      "tamper with one byte of the script",
      "sigrun verify tampered.sgb --trust owner.pub",
      "DIGEST_MISMATCH",
      outcome(() => verifyBundle(tampered, { trust })),
    );
    const stranger = generateKey("ed25519");
    const foreign = await signBundle(unsigned, fileSigner(stranger.privateKey));
    record(
      "a bundle signed by an unknown key is refused",
      "sigrun verify foreign.sgb --trust owner.pub",
      "SIGNER_UNTRUSTED",
      outcome(() => verifyBundle(foreign, { trust })),
    );
    record(
      "the wrong host refuses it",
      "sigrun verify job.sgb --trust owner.pub --host other-host",
      "WRONG_TARGET",
      outcome(() => verifyBundle(signed, { trust, host: "other-host" })),
    );
    record(
      "after its expiry it is refused",
      "sigrun verify job.sgb --trust owner.pub --now <in 2 hours>",
      "EXPIRED",
      outcome(() => verifyBundle(signed, { trust, now: Date.now() + 7_200_000 })),
    );
    const ok = steps.every((s) => s.asExpected);
    opts.log(`\n${ok ? "demo passed" : "demo FAILED"}: bundle ${id} ran through ${steps.length} steps.`);
    return steps;
  } finally {
    if (opts.keep) opts.log(`files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
