// Test fixtures for the agent: signer keys, a trust store, signed bundles whose script is a stub-runner op.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBundle, signBundle, type TrustStore, trustStoreOf } from "../../src/bundle/index.js";
import { fileSigner, generateKey, type Signer } from "../../src/keys/index.js";

export const STUB_RUNNER = new URL("./stub-runner.js", import.meta.url).href;

export function tempDir(prefix = "sigrun-agent-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function ownerKey(): Signer {
  return fileSigner(generateKey("ed25519").privateKey);
}

export function trustOf(...signers: Signer[]): TrustStore {
  return trustStoreOf(signers.map((s) => s.publicKey));
}

export interface StubBundleOptions {
  readonly op?: Record<string, unknown>;
  readonly targets?: readonly string[];
  readonly created?: number;
  readonly validForMs?: number;
  readonly limits?: { maxOperations?: number; wallClockMs?: number; maxOutputBytes?: number };
}

/** A bundle signed by `signers` whose script is the stub runner's JSON op (default echo "hi"). */
export async function stubBundle(signers: readonly Signer[], o: StubBundleOptions = {}): Promise<Uint8Array> {
  const files = new Map<string, Uint8Array>([
    ["script.rhai", Buffer.from(JSON.stringify(o.op ?? { op: "echo", value: "hi" }))],
    ["policy.cedar", Buffer.from("permit(principal, action, resource);\n")],
  ]);
  let bytes = createBundle({
    files,
    entry: "script.rhai",
    policy: "policy.cedar",
    targets: o.targets ?? [],
    created: o.created ?? Date.now() - 1000,
    validForMs: o.validForMs ?? 3_600_000,
    limits: o.limits,
  });
  for (const s of signers) bytes = await signBundle(bytes, s);
  return bytes;
}
