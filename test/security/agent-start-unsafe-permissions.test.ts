// Attack: another local user edits the agent's trust (adds their key to a group-writable trust dir, or
// replaces a trusted key file they own or can write), or reads host.key / the state dir to forge receipts.
// Expected: like sshd's StrictModes, the agent refuses to start (UNSAFE_PERMISSIONS, exit 62) naming the
// path and the fix, before any transport listens; with safe modes it starts.
import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { publicKeyPem } from "../../src/keys/index.js";
import { ownerKey, tempDir } from "../kit/agent-fixtures.js";
import { cli } from "../kit/spawn-agent.js";

test("agent-start-unsafe-permissions: writable trust, foreign-owned key, open host.key or state dir refuse the start", () => {
  const d = tempDir();
  try {
    const trust = join(d.path, "trusted");
    mkdirSync(trust, { mode: 0o755 });
    const keyFile = join(trust, "owner.pem");
    writeFileSync(keyFile, publicKeyPem(ownerKey().publicKey.keyObject), { mode: 0o644 });
    const state = join(d.path, "state");
    const start = () =>
      cli(["agent", "--trust", trust, "--state", state, "--host-id", "h1", "--stdin"], new Uint8Array(0));
    // safe: the agent starts (and rejects the empty submission with a receipt)
    const ok = start();
    assert.doesNotMatch(ok.stderr, /UNSAFE_PERMISSIONS/);
    assert.ok(ok.stdout.length > 0, ok.stderr);

    const expectRefused = (what: string, pathRe: RegExp) => {
      const r = start();
      assert.equal(r.status, 62, `${what}: ${r.stderr}`);
      assert.match(r.stderr, /UNSAFE_PERMISSIONS/);
      assert.match(r.stderr, pathRe);
      assert.equal(r.stdout.length, 0, `${what}: nothing ran`);
    };
    chmodSync(trust, 0o775);
    expectRefused("group-writable trust dir", /trusted: mode 0775/);
    chmodSync(trust, 0o755);
    chmodSync(keyFile, 0o666);
    expectRefused("world-writable key", /owner\.pem: mode 0666/);
    chmodSync(keyFile, 0o644);
    if (process.getuid?.() === 0) {
      chownSync(keyFile, 65534, 65534);
      expectRefused("key owned by another user", /owner\.pem: owned by uid 65534/);
      chownSync(keyFile, 0, 0);
    }
    chmodSync(join(state, "host.key"), 0o640);
    expectRefused("group-readable host.key", /host\.key: host key mode 0640/);
    chmodSync(join(state, "host.key"), 0o600);
    chmodSync(state, 0o755);
    expectRefused("world-readable state dir", /state: state dir mode 0755/);
    chmodSync(state, 0o700);
    assert.doesNotMatch(start().stderr, /UNSAFE_PERMISSIONS/);
  } finally {
    d.cleanup();
  }
});
