// Bundle verification benchmark: ratios against baselines measured in the same run (issues 3 and 19).
//   npm run build && node dist/bench/bundle.js
import { spawnSync } from "node:child_process";
import { createHash, randomBytes, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBundle, signBundle, trustStoreOf, verifyBundle } from "../src/bundle/index.js";
import { fileSigner, generateKey, publicKeyInfo, publicKeyPem, rawSign } from "../src/keys/index.js";
import { benchCli, medianMs, otherNode, type ProcessCase, processMedians, report } from "./bench-util.js";

const MAIN = benchCli();

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

/** Prints one whole-process line comparing two Node versions on the same command. */
function versus(name: string, newer: number, older: number, newerName: string, olderName: string): void {
  process.stdout.write(
    `INFO  ${name.padEnd(44)} ${newerName} ${newer.toFixed(1).padStart(8)} ms   ${olderName} ${older.toFixed(1).padStart(8)} ms   ${olderName}/${newerName} ${(older / newer).toFixed(2)}\n`,
  );
}

/**
 * Whole processes, all in one run, rounds interleaved: `sigrun --help` and `sigrun verify` (1 MiB and
 * 64 MiB .sgb) against `node -e 0` and against `openssl dgst -sha256 -verify` on the same bytes, on this
 * Node (24); then the same commands on the machine's other Node (/usr/bin/node, 20 here), if the built
 * CLI runs there.
 */
async function wholeProcess(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-bench-"));
  try {
    const ec = generateKey("p256");
    const pub = join(dir, "pub.pem");
    writeFileSync(pub, publicKeyPem(ec.publicKey));
    const sizes = [1, 64];
    for (const mib of sizes) {
      const bundle = await signBundle(
        createBundle({
          files: new Map([
            ["script.rhai", new TextEncoder().encode("1\n")],
            ["policy.cedar", new TextEncoder().encode("permit (principal, action, resource);\n")],
            ["inputs/blob.bin", new Uint8Array(randomBytes(mib * 1024 * 1024))],
          ]),
          entry: "script.rhai",
          policy: "policy.cedar",
          created: Date.now(),
          validForMs: 3_600_000,
        }),
        fileSigner(ec.privateKey),
      );
      writeFileSync(join(dir, `job-${mib}.sgb`), bundle);
      writeFileSync(join(dir, `job-${mib}.sig`), rawSign("p256", ec.privateKey, bundle));
    }
    const verifyArgs = (mib: number, cli = MAIN): string[] => [
      cli,
      "verify",
      join(dir, `job-${mib}.sgb`),
      "--trust",
      pub,
    ];
    const commands = (node: string): ProcessCase[] => [
      { cmd: node, args: ["-e", "0"] },
      { cmd: node, args: [MAIN, "--help"] },
      ...sizes.map((mib) => ({ cmd: node, args: verifyArgs(mib) })),
    ];
    const openssl: ProcessCase[] = sizes.map((mib) => ({
      cmd: "openssl",
      args: [
        "dgst",
        "-sha256",
        "-verify",
        pub,
        "-signature",
        join(dir, `job-${mib}.sig`),
        join(dir, `job-${mib}.sgb`),
      ],
    }));
    const cacheOff: ProcessCase = {
      cmd: process.execPath,
      args: [MAIN, "--help"],
      env: { SIGRUN_NO_COMPILE_CACHE: "1" },
    };
    // The other Node must run the built CLI (sigrun asks for >= 22.13; it is measured, not supported).
    let older = otherNode();
    if (older !== undefined) {
      const r = spawnSync(older.path, verifyArgs(1), { encoding: "utf8" });
      if (r.status !== 0) {
        process.stdout.write(
          `INFO  the built CLI does not run on ${older.version} (${older.path}): exit ${r.status}: ${(r.stderr ?? "").split("\n")[0]}\n`,
        );
        older = undefined;
      }
    }
    // SIGRUN_BENCH_BASE_CLI (another build's dist/src/cli/main.js, as in bench/runner-cedar.ts): the two
    // verify commands through that build too, in the same rounds: a before/after pair under the same load
    const baseCli = process.env.SIGRUN_BENCH_BASE_CLI;
    const baseCases: ProcessCase[] =
      baseCli === undefined
        ? []
        : sizes.map((mib) => ({ cmd: process.execPath, args: verifyArgs(mib, baseCli) }));
    const cases = [
      ...commands(process.execPath),
      ...openssl,
      cacheOff,
      ...(older ? commands(older.path) : []),
      ...baseCases,
    ];
    const m = processMedians(cases, 9);
    const [bare, help, v1, v64, ssl1, ssl64, helpNoCache] = m as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    process.stdout.write(`whole process on Node ${process.version}, medians of 9 interleaved rounds:\n`);
    let ok = report("CLI cold start: sigrun --help", help, bare, 1.5, "node -e 0");
    report("sigrun --help, compile cache off", helpNoCache, bare, undefined, "node -e 0");
    report("whole process: sigrun verify 1 MiB .sgb", v1, bare, undefined, "node -e 0");
    report("whole process: sigrun verify 1 MiB .sgb", v1, ssl1, undefined, "openssl dgst -verify");
    report("whole process: sigrun verify 64 MiB .sgb", v64, bare, undefined, "node -e 0");
    ok = report("whole process: sigrun verify 64 MiB .sgb", v64, ssl64, 2, "openssl dgst -verify") && ok;
    if (baseCli !== undefined) {
      const [b1, b64] = m.slice(m.length - 2) as [number, number];
      process.stdout.write(`the verify commands through the base build ${baseCli}, same rounds:\n`);
      report("base build: sigrun verify 1 MiB .sgb", b1, ssl1, undefined, "openssl dgst -verify");
      report("base build: sigrun verify 64 MiB .sgb", b64, ssl64, undefined, "openssl dgst -verify");
      report("this build vs base: verify 1 MiB .sgb", v1, b1, undefined, "base");
      report("this build vs base: verify 64 MiB .sgb", v64, b64, undefined, "base");
    }
    if (older !== undefined) {
      const [oBare, oHelp, o1, o64] = m.slice(7) as [number, number, number, number];
      const n = process.version;
      const o = older.version;
      process.stdout.write(`the same commands on Node ${o} (${older.path}) vs ${n}, same rounds:\n`);
      versus("node -e 0", bare, oBare, n, o);
      versus("sigrun --help", help, oHelp, n, o);
      versus("sigrun verify 1 MiB .sgb", v1, o1, n, o);
      versus("sigrun verify 64 MiB .sgb", v64, o64, n, o);
      process.stdout.write(
        `INFO  on ${o}: sigrun --help ${(oHelp / oBare).toFixed(2)}x node -e 0; verify 64 MiB ${(o64 / ssl64).toFixed(2)}x openssl\n`,
      );
    } else {
      process.stdout.write("INFO  no other Node at /usr/bin/node: no Node 20 vs Node 24 comparison\n");
    }
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const key = generateKey("ed25519");
  let ok = await inProcess(1, key);
  ok = (await inProcess(64, key)) && ok;
  ok = (await wholeProcess()) && ok;
  process.stdout.write(ok ? "bundle bench: all targets met\n" : "bundle bench: some targets missed\n");
}

await main();
