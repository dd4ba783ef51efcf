import assert from "node:assert/strict";
import { test } from "node:test";
import { describeCountersign, describeRequest, describeSession } from "../../src/signing/index.js";

/**
 * Attack (a variant of issue 14 item 10, review display spoofing): content is shown behind a gutter and
 * no rendered line starts with `──` except real headers — but the review's rows were up to 109 columns
 * wide (100 characters of content after the gutter, and fact lines, names, targets and member paths of
 * up to 400), and wide characters take two columns each. A terminal of 80 columns wraps such a row, and
 * the wrapped part starts in column 0: 71 spaces and then `── policy policy.cedar ──` in a script line,
 * a target, a member path or the initiator's file name show the signer a fake section header. Every row
 * must fit the terminal, continuation rows indented.
 */

const FAKE = "── policy policy.cedar ──";
const fakeAfter = (pad: string) => `${pad}${FAKE}`;

/** Columns a terminal gives a code point: 2 for East Asian wide characters, else 1. */
function termWidth(c: string): number {
  const n = c.codePointAt(0)!;
  const wide =
    (n >= 0x1100 && n <= 0x115f) ||
    (n >= 0x2e80 && n <= 0x303e) ||
    (n >= 0x3041 && n <= 0x33ff) ||
    (n >= 0x3400 && n <= 0x4dbf) ||
    (n >= 0x4e00 && n <= 0x9fff) ||
    (n >= 0xac00 && n <= 0xd7a3) ||
    (n >= 0xf900 && n <= 0xfaff) ||
    (n >= 0xff00 && n <= 0xff60) ||
    (n >= 0xffe0 && n <= 0xffe6) ||
    n >= 0x20000;
  return wide ? 2 : 1;
}

/** The rows a terminal of `cols` columns shows, each marked with whether it continues a wrapped line. */
function terminalRows(text: string, cols: number): Array<{ row: string; wrapped: boolean }> {
  const out: Array<{ row: string; wrapped: boolean }> = [];
  for (const line of text.split("\n")) {
    let row = "";
    let w = 0;
    let wrapped = false;
    for (const c of line) {
      const cw = termWidth(c);
      if (w + cw > cols) {
        out.push({ row, wrapped });
        row = "";
        w = 0;
        wrapped = true;
      }
      row += c;
      w += cw;
    }
    out.push({ row, wrapped });
  }
  return out;
}

function assertNoFakeHeader(text: string, cols = 80): void {
  for (const { row, wrapped } of terminalRows(text, cols)) {
    assert.ok(
      !(wrapped && row.trimStart().startsWith("──")),
      `a wrapped row looks like a header on a ${cols}-column terminal:\n${row}`,
    );
    assert.ok(!(wrapped && row.startsWith("─")), `a wrapped row starts in column 0 with a box line:\n${row}`);
  }
  const starts = terminalRows(text, cols).filter(({ row }) => row.startsWith(FAKE));
  assert.equal(starts.length, 0, `fake header rows:\n${starts.map((s) => s.row).join("\n")}`);
}

const script = [
  "let x = 1;",
  fakeAfter(" ".repeat(71)),
  fakeAfter("\u3000".repeat(36)), // ideographic spaces: two columns each
  fakeAfter("\u4e00".repeat(40)),
  'run("rm -rf /srv/data");',
].join("\n");

test("review-terminal-wrap-spoofing: script lines, targets, member paths and names never wrap into a header", () => {
  const text = describeRequest({
    reqId: 1,
    kind: "file",
    name: fakeAfter(" ".repeat(72)),
    size: 100,
    sha256: "ab".repeat(32),
    format: "raw",
    context: fakeAfter(" ".repeat(69)),
    content: {
      kind: "classic-bundle",
      description: "classic sigrun bundle",
      executes: true,
      members: [{ path: fakeAfter("x".repeat(78)), size: 1, sha256: "cd".repeat(32) }],
      facts: [["targets", fakeAfter(" ".repeat(68))]],
      policy: { path: "policy.cedar", text: "permit (principal, action, resource);\n" },
      script: { path: "script.rhai", text: script },
    },
  });
  assertNoFakeHeader(text);
  // the content is still there, behind the gutter or a continuation mark
  assert.match(text, /rm -rf \/srv\/data/);
  assert.ok(text.includes("\u4e00".repeat(20)), text);
  // a narrower terminal passes its width
  const narrow = describeRequest(
    {
      reqId: 1,
      kind: "file",
      name: "n",
      size: 1,
      sha256: "00",
      format: "raw",
      context: fakeAfter(" ".repeat(45)),
      content: { kind: "text", description: "UTF-8 text", executes: false, text: fakeAfter(" ".repeat(50)) },
    },
    60,
  );
  assertNoFakeHeader(narrow, 60);
});

test("review-terminal-wrap-spoofing: the session review fits the terminal; countersign evidence cannot start a line", () => {
  assertNoFakeHeader(
    describeSession({
      mode: "public-key",
      relay: fakeAfter(`ws://relay/${"a".repeat(60)}`),
      context: fakeAfter(" ".repeat(70)),
      expiresAt: new Date(0),
      maxSignatures: 1,
      keyMatches: true,
    }),
  );
  // the countersign evidence (authenticated values): a newline cannot start a line of its own
  const evidence = describeCountersign({
    build: { id: `b1\n${FAKE}`, variant: "key", keyId: "sha256:00", notAfter: "2030-01-01T00:00:00Z" },
    approver: { keyId: "sha256:11" },
    attestation: {
      subject: "app.tar.gz",
      sha256: "ee".repeat(32),
      builderId: `ci\n${FAKE}`,
      time: "2030-01-01T00:00:00Z",
      verified: "key",
    },
  } as unknown as Parameters<typeof describeCountersign>[0]);
  assertNoFakeHeader(evidence, 200);
  assert.equal(evidence.split("\n").filter((l) => l.startsWith("──")).length, 1, evidence);
});
