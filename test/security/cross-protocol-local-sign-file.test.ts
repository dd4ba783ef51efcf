// Attack (a variant of issue 14 item 7, cross-protocol signatures): the remote signer's review now
// recognizes a classic bundle whatever format is requested, but a LOCAL `sigrun sign-file app.tar.gz
// --format raw` still signed such a file without a word, although the raw signature is that bundle's
// signature (an agent trusting the key runs it on any host, forever). The key holder must be told,
// from the content (never the name), even with --quiet; other files get no warning.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { rawTar, rawTarEntry } from "../kit/bundle-fixtures.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "sigrun-xproto-local-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const classic = gzipSync(
  rawTar([
    rawTarEntry({ name: "script.rhai", data: Buffer.from('"pwned"\n') }),
    rawTarEntry({ name: "policy.cedar", data: Buffer.from("permit(principal, action, resource);\n") }),
  ]),
);
const other = gzipSync(rawTar([rawTarEntry({ name: "app/bin", data: Buffer.from("ELF") })]));

test("sign-file / sign --key, raw, over a classic bundle warn that the signature authorizes execution", () => {
  const k = cli("keygen", "--type", "ed25519", "--no-passphrase", "-o", join(dir, "release"));
  assert.equal(k.status, 0, k.stderr);
  const key = join(dir, "release.key");
  // named like a release archive: recognized from the content
  writeFileSync(join(dir, "release-1.0.bin"), classic);
  for (const extra of [[], ["--quiet"]]) {
    const r = cli("sign-file", join(dir, "release-1.0.bin"), "--key", key, "--force", ...extra);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: .*classic sigrun bundle.*authorizes running it/s, r.stderr);
  }
  // stdin too
  const s = spawnSync(
    process.execPath,
    [MAIN, "sign-file", "-", "--key", key, "-o", join(dir, "stdin.sig")],
    {
      input: classic,
      encoding: "utf8",
    },
  );
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stderr, /warning: stdin is a classic sigrun bundle/);
  // `sigrun sign --key` (local) too
  const local = cli("sign", join(dir, "release-1.0.bin"), "--key", key, "--force");
  assert.equal(local.status, 0, local.stderr);
  assert.match(local.stderr, /warning: .*classic sigrun bundle/s, local.stderr);
  // another archive, and the ssh format (not a classic bundle signature): no warning
  writeFileSync(join(dir, "app.tar.gz"), other);
  const plain = cli("sign-file", join(dir, "app.tar.gz"), "--key", key);
  assert.equal(plain.status, 0, plain.stderr);
  assert.doesNotMatch(plain.stderr, /warning/);
  const ssh = cli("sign-file", join(dir, "release-1.0.bin"), "--key", key, "--format", "ssh", "--force");
  assert.equal(ssh.status, 0, ssh.stderr);
  assert.doesNotMatch(ssh.stderr, /warning/);
});
