import assert from "node:assert/strict";
import { test } from "node:test";
import type { ReceiptStatement } from "../receipt.js";
import { formatOutcome, type JobOutcome, jobOutcome } from "./outcome.js";

const base: JobOutcome = {
  host: "web-1",
  job: "a042dfae9ee214c2e571fb47406ded38",
  status: "rejected",
  error: "BUNDLE_MALFORMED",
  message: 'manifest: targets: bad target "host:web-1"',
  errorType: null,
  result: null,
  resultTruncated: false,
  bundle: null,
  queued: "2026-12-07T12:17:37.384Z",
  started: null,
  finished: "2026-12-07T12:17:37.386Z",
  durationMs: 2,
  outputs: [],
  auditSeq: 8,
  fetch: { stdout: "", stderr: "", outputs: "" },
};

test("submit summary: an error message is shown as written (quotes kept), control characters escaped", () => {
  const text = formatOutcome(base, 10);
  assert.equal(
    text,
    "job a042dfae9ee214c2e571fb47406ded38 on web-1: rejected (exit 10) in 2 ms\n" +
      '  error:    BUNDLE_MALFORMED: manifest: targets: bad target "host:web-1"\n',
  );
  const hostile = formatOutcome(
    { ...base, message: "disk \u001b[31mfull\r\nfake: line \u202e \\ end", result: "a\u0085b" },
    30,
  );
  assert.doesNotMatch(hostile, /[\u001b\r\u0085\u202e]/);
  assert.equal(hostile.split("\n").length, 4); // job, error, result lines and the final newline
  assert.match(hostile, /disk \\u001b\[31mfull\\u000d\\u000afake: line \\u202e \\\\ end/);
  assert.match(hostile, /result: {3}a\\u0085b/);
});

test("fetch hints carry the credential files used, so the printed commands work against a token-protected agent", () => {
  const st = {
    subject: [{ name: "outputs/out.txt", digest: { sha256: "00" } }],
    predicate: {
      host: { id: "web-1" },
      job: { id: "6f0c" },
      status: "succeeded",
      times: {
        queued: "2026-12-07T03:00:01.120Z",
        started: "2026-12-07T03:00:01.131Z",
        finished: "2026-12-07T03:00:01.164Z",
      },
      audit: { seq: 3 },
    },
  } as unknown as ReceiptStatement;
  const o = jobOutcome(st, { to: "http://web-1:8080", auth: { tokenFile: "/etc/sigrun/read token" } });
  assert.equal(
    o.fetch.stdout,
    "sigrun jobs logs 6f0c --to http://web-1:8080 --token-file '/etc/sigrun/read token'",
  );
  assert.equal(
    jobOutcome(st, { to: "https://web-1:8443", auth: { ca: "ca.pem", cert: "c.crt", key: "c.key" } }).fetch
      .outputs,
    "sigrun jobs outputs 6f0c --to https://web-1:8443 --ca ca.pem --cert c.crt --key c.key -o DIR",
  );
  assert.equal(jobOutcome(st).fetch.stderr, "sigrun jobs logs 6f0c --stderr --state <state dir of web-1>");
});
