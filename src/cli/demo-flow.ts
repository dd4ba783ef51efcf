import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

/** The owner's script: one read the policy allows, one it denies (caught), both reported. */
export function demoScript(dataDir: string): string {
  return `// A Rhai script: the owner signs it; it runs only where it verifies, under its own Cedar policy.
let greeting = cat("${dataDir}/hello.txt");
let denied = "";
try { cat("/etc/hostname") } catch (e) { denied = e.kind }
greeting.trim();
\`allowed read "\${greeting}", denied read \${denied}\`
`;
}

/** The owner's policy: reads under the demo's data directory, nothing else. */
export function demoPolicy(dataDir: string): string {
  return `// Cedar: this bundle may read under ${dataDir} and nothing else (default deny).
permit (principal, action, resource in file_system::Dir::"${dataDir}");
`;
}

export interface DemoStep {
  readonly step: string;
  readonly command: string;
  readonly expected: string;
  readonly got: string;
  readonly asExpected: boolean;
}

/**
 * The demo: the same steps a user would run with the CLI (printed beside each step), done on embedded
 * defaults in a temporary directory — sign, verify, refuse tampering, run under Cedar, and hand the bundle
 * to an agent (inbox + HTTP) that answers with signed receipts.
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
  const d = (...p: string[]) => join(dir, ...p);
  try {
    opts.log(`sigrun demo — working in ${dir}\n`);
    const owner = generateKey("ed25519");
    writeFileSync(d("owner.key"), privateKeyPem(owner.privateKey), { mode: 0o600 });
    mkdirSync(d("trust"));
    writeFileSync(d("trust", "owner.pub"), publicKeyPem(owner.publicKey));
    const ownerInfo = publicKeyInfo(owner.publicKey);
    record("generate the owner's signing key", "sigrun keygen -o owner", "OK", "OK");
    opts.log(`    key id ${ownerInfo.keyId} (${shortKeyId(ownerInfo.keyId)})`);

    const dataDir = d("data");
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, "hello.txt"), "hello from the instance\n");
    const script = demoScript(dataDir);
    const policy = demoPolicy(dataDir);
    writeFileSync(d("script.rhai"), script);
    writeFileSync(d("policy.cedar"), policy);
    const unsigned = createBundle({
      files: new Map([
        ["script.rhai", new TextEncoder().encode(script)],
        ["policy.cedar", new TextEncoder().encode(policy)],
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
    writeFileSync(d("job.sgb"), signed);
    record("sign the bundle", "sigrun bundle sign job.sgb --key owner.key", "OK", "OK");
    const trust = trustStoreOf([ownerInfo]);
    record(
      "verify on the instance",
      "sigrun verify job.sgb --trust trust/ --host demo-host",
      "OK",
      outcome(() => verifyBundle(signed, { trust, host: "demo-host" })),
    );
    record(
      "an unsigned bundle is refused",
      "sigrun verify unsigned.sgb --trust trust/",
      "THRESHOLD_NOT_MET",
      outcome(() => verifyBundle(unsigned, { trust })),
    );
    const tampered = new Uint8Array(signed);
    // a Buffer view of the copy: readUInt8 throws if the script text is not found (indexOf -1)
    const view = Buffer.from(tampered.buffer, tampered.byteOffset, tampered.byteLength);
    const at = view.indexOf("denied read");
    view.writeUInt8(view.readUInt8(at) ^ 0x20, at);
    writeFileSync(d("tampered.sgb"), tampered);
    record(
      "tamper with one byte of the script",
      "sigrun verify tampered.sgb --trust trust/",
      "DIGEST_MISMATCH",
      outcome(() => verifyBundle(tampered, { trust })),
    );
    const stranger = generateKey("ed25519");
    const foreign = await signBundle(unsigned, fileSigner(stranger.privateKey));
    record(
      "a bundle signed by an unknown key is refused",
      "sigrun verify foreign.sgb --trust trust/",
      "SIGNER_UNTRUSTED",
      outcome(() => verifyBundle(foreign, { trust })),
    );
    record(
      "the wrong host refuses it",
      "sigrun verify job.sgb --trust trust/ --host other-host",
      "WRONG_TARGET",
      outcome(() => verifyBundle(signed, { trust, host: "other-host" })),
    );
    record(
      "after its expiry it is refused",
      "sigrun verify job.sgb --trust trust/ --now <in 2 hours>",
      "EXPIRED",
      outcome(() => verifyBundle(signed, { trust, now: Date.now() + 7_200_000 })),
    );

    const { runScript } = await import("../runner/index.js");
    const out = await runScript({ script, policy, monitoring: false });
    const ran = `${out.status}: ${out.status === "SUCCESS" ? out.output : out.error?.message}`;
    record(
      "run it: Cedar allows the read under data/ and denies /etc/hostname",
      "sigrun run job.sgb --trust trust/",
      'SUCCESS: allowed read "hello from the instance", denied read PermissionDenied',
      ran,
    );

    await agentSteps({ dir, signed, tampered, record });
    const flows = await import("./demo-flows.js");
    opts.log("\n— sealed data: encrypted on the client, through a store that sees only ciphertext");
    await flows.sealedDataSteps(dir, record);
    opts.log("\n— remote signing: CI asks a human-attended signer through a relay");
    await flows.remoteSigningSteps(dir, record);
    opts.log("\n— build-gated countersigning: sign only what an approved build attested");
    await flows.countersignSteps(dir, record);
    opts.log("\n— sealed remote execution: a signed job on sealed inputs, outputs sealed back");
    await (await import("./demo-sealed.js")).sealedSteps({ dir, record });
    const ok = steps.every((s) => s.asExpected);
    opts.log(`\n${ok ? "demo passed" : "demo FAILED"}: bundle ${id} ran through ${steps.length} steps.`);
    return steps;
  } finally {
    if (opts.keep) opts.log(`files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function agentSteps(ctx: {
  dir: string;
  signed: Uint8Array;
  tampered: Uint8Array;
  record: (step: string, command: string, expected: string, got: string) => void;
}): Promise<void> {
  const { serveAgent } = await import("../agent/serve.js");
  const { readReceiptUnverified, verifyReceipt } = await import("../agent/index.js");
  const d = (...p: string[]) => join(ctx.dir, ...p);
  mkdirSync(d("inbox"));
  const running = await serveAgent(
    {
      hostId: "demo-host",
      trust: [d("trust")],
      state: d("state"),
      workers: 1,
      inbox: { dir: d("inbox"), settleMs: 100, pollMs: 100 },
      http: { listen: "127.0.0.1:0" },
    },
    { logFormat: "none" },
  );
  try {
    const url = running.transports.map((t) => t.describe()).find((s) => s.startsWith("http"));
    const hostPub = running.agent.identity.publicKey;
    const post = async (body: Uint8Array) => {
      const res = await fetch(`${url}/execute`, {
        method: "POST",
        body,
        headers: { "content-type": "application/octet-stream" },
      });
      return new Uint8Array(await res.arrayBuffer());
    };
    const first = verifyReceipt(await post(ctx.signed), hostPub);
    ctx.record(
      "an agent (inbox + HTTP) runs the signed bundle and returns a signed receipt",
      "sigrun agent --trust trust/ --state state/ --host-id demo-host --inbox inbox/ --http 127.0.0.1:8080 &  sigrun submit job.sgb --to http://127.0.0.1:8080 --wait",
      "succeeded",
      first.predicate.status,
    );
    const again = verifyReceipt(await post(ctx.signed), hostPub);
    ctx.record(
      "the same bundle sent again is a replay",
      "sigrun submit job.sgb --to http://127.0.0.1:8080 --wait",
      "REPLAY",
      again.predicate.error?.code ?? "none",
    );
    writeFileSync(d("inbox", ".tampered.sgb.part"), ctx.tampered);
    renameSync(d("inbox", ".tampered.sgb.part"), d("inbox", "tampered.sgb"));
    const receiptPath = d("inbox", "rejected", "tampered.sgb.receipt.json");
    const deadline = Date.now() + 15_000;
    while (!existsSync(receiptPath) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const got = existsSync(receiptPath)
      ? (readReceiptUnverified(new Uint8Array(readFileSync(receiptPath))).predicate.error?.code ?? "none")
      : "no receipt";
    ctx.record(
      "a tampered bundle dropped in the inbox is rejected, with a receipt saying why",
      "cp tampered.sgb inbox/  →  inbox/rejected/tampered.sgb.receipt.json",
      "DIGEST_MISMATCH",
      got,
    );
  } finally {
    await running.stop();
  }
}
