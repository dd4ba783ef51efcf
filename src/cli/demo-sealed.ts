// The demo's sealed-execution step (`sigrun demo`): on embedded defaults — a local agent over HTTP and a
// local blob store — add the agent as a host, run the copy application on sealed inputs through the
// store, show that the store only ever held ciphertext, and that --require-tee refuses a host without one.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBundle, signBundle } from "../bundle/index.js";
import { isSigrunError } from "../core/index.js";
import { fileSigner, parsePrivateKey } from "../keys/index.js";

export const SEALED_COPY_SCRIPT = `for n in ls(inputs_dir).keys() { cp(inputs_dir + "/" + n, outputs_dir + "/" + n) }\n`;
export const SEALED_COPY_POLICY = `// a sealed job runs in a private …/sigrun-job-XXXXXX/ with inputs/ and outputs/
permit (principal, action, resource) when { resource has path && resource.path like "*/sigrun-job-*/inputs*" };
permit (principal, action, resource) when { resource has path && resource.path like "*/sigrun-job-*/outputs*" };
`;

function holds(dir: string, needle: string): boolean {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory() ? holds(p, needle) : readFileSync(p).includes(needle)) return true;
  }
  return false;
}

export async function sealedSteps(ctx: {
  dir: string;
  record: (step: string, command: string, expected: string, got: string) => void;
}): Promise<void> {
  const { serveAgent } = await import("../agent/serve.js");
  const { startStoreServer } = await import("../store/index.js");
  const { execute, hostAdd } = await import("../remote/index.js");
  const d = (...p: string[]) => join(ctx.dir, ...p);
  const owner = fileSigner(parsePrivateKey(new Uint8Array(readFileSync(d("owner.key")))));
  const app = createBundle({
    files: new Map([
      ["script.rhai", Buffer.from(SEALED_COPY_SCRIPT)],
      ["policy.cedar", Buffer.from(SEALED_COPY_POLICY)],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    targets: ["demo-host"],
    created: Date.now() - 1000,
    validForMs: 3_600_000,
  });
  writeFileSync(d("copy.sgb"), await signBundle(app, owner));
  mkdirSync(d("INPUTS"));
  writeFileSync(d("INPUTS", "f1.txt"), "Hello World");
  const running = await serveAgent(
    {
      hostId: "demo-host",
      trust: [d("trust")],
      state: d("sealed-host-state"),
      workers: 1,
      http: { listen: "127.0.0.1:0" },
    },
    { logFormat: "none" },
  );
  const store = await startStoreServer({ dir: d("store") }, { host: "127.0.0.1", port: 0 });
  try {
    const url = running.transports.map((t) => t.describe()).find((s) => s.startsWith("http"))!;
    const configDir = d("config", "sigrun");
    const added = await hostAdd({ configDir, name: "demo", agent: url, yes: true, log: () => {} });
    ctx.record(
      "add the agent as a sealed-execution host: pin its receipt key and job key",
      `sigrun host add demo --agent ${url} --yes`,
      "ready",
      added.status,
    );
    let during = "not seen";
    const run = (outputs: string, requireTee = false) =>
      execute({
        // while the host runs, the store holds the sealed inputs: look at them then
        progress: (step) => {
          if (!step.startsWith("running")) return;
          const blobs = readdirSync(d("store", "blobs")).length;
          during =
            blobs === 0 ? "empty" : holds(d("store"), "Hello World") ? "PLAINTEXT FOUND" : "ciphertext only";
        },
        configDir,
        host: "demo",
        app: d("copy.sgb"),
        inputs: d("INPUTS"),
        outputs: d(outputs),
        store: store.url,
        timeoutMs: 60_000,
        requireTee,
      });
    let got: string;
    try {
      const r = await run("OUTPUTS");
      got = `${r.status}: ${readFileSync(d("OUTPUTS", "f1.txt"), "utf8")}`;
    } catch (err) {
      got = isSigrunError(err) ? err.code : String(err);
    }
    ctx.record(
      "execute the signed app on sealed inputs through an untrusted store; verify the receipt, unseal the outputs",
      `sigrun execute --host demo --app copy.sgb --inputs INPUTS --outputs OUTPUTS --store ${store.url}`,
      "succeeded: Hello World",
      got,
    );
    ctx.record(
      "while the job ran, the store held only ciphertext (manifest, app, input); all deleted after the pull",
      `ls store/blobs; grep -r "Hello World" store/`,
      "ciphertext only; 0 left",
      `${during}; ${readdirSync(d("store", "blobs")).length} left`,
    );
    let tee: string;
    try {
      await run("OUTPUTS-TEE", true);
      tee = "ran";
    } catch (err) {
      tee = isSigrunError(err) ? err.code : String(err);
    }
    ctx.record(
      "--require-tee refuses a host without a TEE (attestation type none); the job key is never released",
      "sigrun execute --host demo --app copy.sgb --inputs INPUTS --outputs OUTPUTS-TEE --require-tee",
      "ATTESTATION_INVALID",
      tee,
    );
  } finally {
    await store.close();
    await running.stop();
  }
}
