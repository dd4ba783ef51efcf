// Test fixtures for sealed execution: signed applications (copy, sha256sum), an agent serving HTTP with the
// real runner, a client config dir with that agent added as a host, and input directories.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createBundle, signBundle } from "../../src/bundle/index.js";
import { fileSigner, generateKey, publicKeyPem, type Signer } from "../../src/keys/index.js";
import { hostAdd } from "../../src/remote/host-add.js";
import { type SpawnedAgent, spawnAgent } from "./spawn-agent.js";

/** The copy application. */
export const COPY_SCRIPT = `for n in ls(inputs_dir).keys() { cp(inputs_dir + "/" + n, outputs_dir + "/" + n) }\n`;

/** Counts the inputs it sees (1,000-input tests: the runner's cp is ~15 ms a file, not what is tested). */
export const COUNT_SCRIPT = `write(outputs_dir + "/count.txt", \`\${ls(inputs_dir).len()}\`);\n`;

/** Runs the real sha256sum over every input into outputs/NAME.sha256. */
export const SHA256SUM_SCRIPT = `let bin = DirConfig().path("/usr/bin").build().open(OpenDirOptions().build()).open_file("sha256sum", OpenFileOptions().read(true).build());
for n in ls(inputs_dir).keys() {
  let r = bin.execute(ExecuteOptions().args([inputs_dir + "/" + n]).build());
  write(outputs_dir + "/" + n + ".sha256", r.stdout);
}
`;

/** Reads under the job's inputs/, writes under its outputs/, runs /usr/bin/sha256sum; nothing else. */
export const SEALED_POLICY = `// a sealed job's private directory is …/sigrun-job-XXXXXX/{inputs,outputs}
permit (principal, action, resource) when { resource has path && resource.path like "*/sigrun-job-*/inputs*" };
permit (principal, action, resource) when { resource has path && resource.path like "*/sigrun-job-*/outputs*" };
permit (principal, action == file_system::Action::"open", resource in file_system::Dir::"/usr/bin");
permit (principal, action == file_system::Action::"execute", resource == file_system::File::"/usr/bin/sha256sum");
`;

export async function signedApp(owner: Signer, script: string, policy = SEALED_POLICY): Promise<Uint8Array> {
  const bytes = createBundle({
    files: new Map([
      ["script.rhai", Buffer.from(script)],
      ["policy.cedar", Buffer.from(policy)],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    targets: [],
    created: Date.now() - 1000,
    validForMs: 3_600_000,
  });
  return signBundle(bytes, owner);
}

export function writeTree(root: string, files: Record<string, string | Uint8Array>): string {
  mkdirSync(root, { recursive: true });
  for (const [p, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), data);
  }
  return root;
}

export interface SealedWorld {
  readonly dir: string;
  readonly configDir: string;
  readonly owner: Signer;
  readonly agent: SpawnedAgent;
  readonly state: string;
  /** Writes a signed app into the world and returns its path. */
  app(script: string, name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** A temp dir with an owner key, a trust store, an HTTP agent (real runner) and a client config adding it as `local`. */
export async function sealedWorld(
  hostName = "local",
  o: { readonly submitToken?: string } = {},
): Promise<SealedWorld> {
  const dir = mkdtempSync(join(tmpdir(), "sigrun-sealed-"));
  const tokenFile = join(dir, "submit.token");
  if (o.submitToken !== undefined) writeFileSync(tokenFile, `${o.submitToken}\n`, { mode: 0o600 });
  const owner = fileSigner(generateKey("ed25519").privateKey);
  mkdirSync(join(dir, "trusted"));
  writeFileSync(join(dir, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  const state = join(dir, "state");
  const agent = await spawnAgent(
    [
      "--trust",
      join(dir, "trusted"),
      "--state",
      state,
      "--host-id",
      "h1",
      "--http",
      "127.0.0.1:0",
      "--workers",
      "1",
      ...(o.submitToken !== undefined ? ["--submit-token-file", tokenFile] : []),
    ],
    { stub: false, timeoutMs: 30_000 },
  );
  const configDir = join(dir, "config", "sigrun");
  await hostAdd({
    configDir,
    name: hostName,
    agent: agent.url!,
    agentAuth: o.submitToken !== undefined ? { tokenFile } : undefined,
    yes: true,
    log: () => {},
  });
  let n = 0;
  return {
    dir,
    configDir,
    owner,
    agent,
    state,
    async app(script, name) {
      const p = join(dir, name ?? `app-${n++}.sgb`);
      writeFileSync(p, await signedApp(owner, script));
      return p;
    },
    async stop() {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
