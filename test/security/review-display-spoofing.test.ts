import assert from "node:assert/strict";
import { test } from "node:test";
import { createBundle } from "../../src/bundle/index.js";
import { describeRequest, type RequestReview } from "../../src/signing/index.js";
import { approveAll, MemoryRelay, runPair } from "../kit/session-harness.js";

/**
 * Issue 14 item 10: a bundle's script carries a fake `── policy policy.cedar ──` header, a harmless
 * `forbid(…)` and 300 blank lines, so the signer reading top-down sees a fake policy first and the
 * real `permit` 300 lines later. The review must show the real policy (and manifest facts) before any
 * script text, mark every content line with a gutter, collapse long blank runs, and never let content
 * produce a line that looks like a section header.
 */
const enc = new TextEncoder();
const REAL_POLICY = "permit (principal, action, resource);\n";
const FAKE = 'forbid (principal, action, resource) when { context.everything == "denied" };';
const SCRIPT = `let x = 1;\n── policy policy.cedar ──\n${FAKE}\n${"\n".repeat(300)}run("rm -rf /srv/data");\n`;

async function reviewText(): Promise<string> {
  const sgb = createBundle({
    files: new Map([
      ["script.rhai", enc.encode(SCRIPT)],
      ["policy.cedar", enc.encode(REAL_POLICY)],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    created: Date.now(),
    validForMs: 3_600_000,
  });
  const seen: RequestReview[] = [];
  const r = await runPair(new MemoryRelay(), {
    items: [{ name: "job.sgb", data: sgb, format: "bundle" }],
    approve: async (rev) => {
      seen.push(rev);
      return approveAll(rev);
    },
  });
  assert.equal(r.initiatorCode, "ok");
  assert.equal(seen.length, 1);
  return describeRequest(seen[0]!);
}

test("review-display-spoofing: the real policy comes before any script text", async () => {
  const text = await reviewText();
  const lines = text.split("\n");
  const realPermit = lines.findIndex((l) => l.includes("permit (principal, action, resource);"));
  const firstScript = lines.findIndex((l) => l.includes("let x = 1;"));
  assert.ok(realPermit >= 0 && firstScript >= 0, "both the policy and the script are shown");
  assert.ok(realPermit < firstScript, "the policy is shown before the script");
});

test("review-display-spoofing: content never produces a line that looks like a section header", async () => {
  const text = await reviewText();
  const lines = text.split("\n");
  const policyHeaders = lines.filter((l) => /^\s*[─═━-]{2,}.*policy/.test(l));
  assert.equal(policyHeaders.length, 1, `exactly one policy header, got:\n${policyHeaders.join("\n")}`);
  const fake = lines.find((l) => l.includes("── policy policy.cedar ──") && l !== policyHeaders[0]);
  assert.ok(fake !== undefined, "the fake header is still shown (as content)");
  assert.match(fake!, /^\s*\d+\s*│/, "…inside the numbered gutter");
  // (the forbid line is longer than one row: its first row carries the line number)
  assert.match(lines.find((l) => l.includes(FAKE.slice(0, 40)))!, /^\s*\d+\s*│/);
});

test("review-display-spoofing: long blank runs are collapsed and every content line is numbered", async () => {
  const text = await reviewText();
  const lines = text.split("\n");
  let run = 0;
  let longest = 0;
  for (const l of lines) {
    run = /^\s*(\d+\s*│)?\s*$/.test(l) ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  assert.ok(longest <= 3, `at most 3 consecutive blank lines, got ${longest}`);
  assert.ok(lines.length < 80, `the review stays short (${lines.length} lines)`);
  assert.ok(
    lines.some((l) => /300 blank lines/.test(l)),
    "the collapsed run says how many lines it hides",
  );
  const last = lines.find((l) => l.includes('run("rm -rf /srv/data");'));
  assert.match(last ?? "", /^\s*304\s*│/, "the line after the run keeps its real line number");
});

test("review-display-spoofing: bidi and terminal controls in names, context and text are shown escaped", async () => {
  const { describeRequest: describe, describeSession } = await import("../../src/signing/index.js");
  const evil = "invoice\u202egpj.exe\u001b[2K\u001b[1A";
  const text = describe({
    reqId: 1,
    kind: "file",
    name: evil,
    size: 3,
    sha256: "00",
    format: "raw",
    context: `ci\u001b]8;;http://x\u0007 run\n── policy policy.cedar ──`,
    content: { kind: "text", description: "UTF-8 text", executes: false, text: `a\u2066b\u0008c\r\n` },
  });
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/u);
  assert.match(text, /invoice\\u202egpj\.exe\\x1b\[2K/);
  assert.equal(
    text.split("\n").filter((l) => /^\s*──.*policy/.test(l)).length,
    0,
    "context cannot add a header",
  );
  const session = describeSession({
    mode: "public-key",
    relay: "ws://r/\u001b[31m",
    context: evil,
    expiresAt: new Date(0),
    maxSignatures: 1,
    keyMatches: true,
  });
  assert.doesNotMatch(session, /[\u001b\u202e]/u);
});
