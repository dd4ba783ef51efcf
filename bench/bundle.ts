// Bundle verification benchmark: ratios against baselines measured in the same run (issue 3).
//   npm run build && node dist/bench/bundle.js
import { createHash, randomBytes, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBundle, signBundle, trustStoreOf, verifyBundle } from "../src/bundle/index.js";
import { fileSigner, generateKey, publicKeyInfo, publicKeyPem, rawSign } from "../src/keys/index.js";
import { medianMs, processMs, report } from "./bench-util.js";

const MAIN = new URL("../src/cli/main.js", import.meta.url).pathname;

async function inProcess(sizeMiB: number, key: ReturnType<typeof generateKey>): Promise<boolean> {
  const files = new Map<string, Uint8Array>([
    ["script.rhai", new TextEncoder().encode("let x = 1;\nx\n")],
    ["policy.cedar", new TextEncoder().encode("permit (principal, action, resource);\n")],
    ["inputs/blob.bin", new Uint8Array(randomBytes(sizeMiB * 1024 * 1024))],
  ]);
  const bundle = await signBundle(
    createBundle({
      files,
      entry: "script.rhai",
      policy: "policy.cedar",
      created: Date.now(),
      validForMs: 3_600_000,
    }),
    fileSigner(key.privateKey),
  );
  const trust = trustStoreOf([publicKeyInfo(key.publicKey)]);
  const msg = new Uint8Array(300);
  const sig = rawSign("ed25519", key.privateKey, msg);
  const runs = sizeMiB <= 4 ? 401 : 9;
  const ours = medianMs(() => verifyBundle(bundle, { trust }), runs, runs > 9 ? 100 : 3);
  const base = medianMs(
    () => {
      for (const data of files.values()) createHash("sha256").update(data).digest();
      if (!verify(null, msg, key.publicKey, sig)) throw new Error("baseline verify failed");
    },
    runs,
    runs > 9 ? 100 : 3,
  );
  return report(`in-process verify, ${sizeMiB} MiB .sgb`, ours, base, 1.3, "node:crypto");
}

async function main(): Promise<void> {
  const key = generateKey("ed25519");
  let ok = await inProcess(1, key);
  ok = (await inProcess(64, key)) && ok;

  const dir = mkdtempSync(join(tmpdir(), "sigrun-bench-"));
  try {
    const ec = generateKey("p256");
    const blob = new Uint8Array(randomBytes(64 * 1024 * 1024));
    const bundle = await signBundle(
      createBundle({
        files: new Map([
          ["script.rhai", new TextEncoder().encode("1\n")],
          ["policy.cedar", new TextEncoder().encode("permit (principal, action, resource);\n")],
          ["inputs/blob.bin", blob],
        ]),
        entry: "script.rhai",
        policy: "policy.cedar",
        created: Date.now(),
        validForMs: 3_600_000,
      }),
      fileSigner(ec.privateKey),
    );
    writeFileSync(join(dir, "job.sgb"), bundle);
    writeFileSync(join(dir, "pub.pem"), publicKeyPem(ec.publicKey));
    writeFileSync(join(dir, "job.sig"), rawSign("p256", ec.privateKey, bundle));
    const ours = processMs(
      process.execPath,
      [MAIN, "verify", join(dir, "job.sgb"), "--trust", join(dir, "pub.pem")],
      5,
    );
    const base = processMs(
      "openssl",
      [
        "dgst",
        "-sha256",
        "-verify",
        join(dir, "pub.pem"),
        "-signature",
        join(dir, "job.sig"),
        join(dir, "job.sgb"),
      ],
      5,
    );
    ok = report("whole process: sigrun verify 64 MiB .sgb", ours, base, 2, "openssl dgst -verify") && ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const help = processMs(process.execPath, [MAIN, "--help"], 9);
  const bare = processMs(process.execPath, ["-e", "0"], 9);
  ok = report("CLI cold start: sigrun --help", help, bare, 1.5, "node -e 0") && ok;
  process.stdout.write(ok ? "bundle bench: all targets met\n" : "bundle bench: some targets missed\n");
}

await main();
