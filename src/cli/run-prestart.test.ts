import assert from "node:assert/strict";
import { test } from "node:test";
import type { Worker } from "node:worker_threads";
import { prestartRunThread } from "./run-prestart.js";

const argv = (...args: string[]): string[] => ["node", "sigrun", ...args];

/** The first `ok` message of a taken thread (after its `started`). */
function result(
  worker: Worker,
): Promise<{ ok: boolean; result?: { output: { output: string; status: string } } }> {
  return new Promise((resolve, reject) => {
    worker.on("error", reject);
    worker.on("message", (m: { started?: true; ok?: boolean }) => {
      if (!m.started) resolve(m as never);
    });
  });
}

test("no thread for other verbs, help, bundle mode or a bad --max-memory-mb", () => {
  for (const a of [
    argv("verify", "-s", "x"),
    argv("run", "job.sgb", "--trust", "k"),
    argv("run", "-s", "s.rhai", "-p", "p.cedar", "--help"),
    argv("run", "-h", "-s", "s.rhai"),
    argv("run", "-s", "s.rhai", "-p", "p.cedar", "--max-memory-mb", "8"),
    argv("run", "-s", "s.rhai", "-p", "p.cedar", "--max-memory-mb", "abc"),
    argv("run", "-s", "s.rhai", "-p", "p.cedar", "--max-memory-mb"),
    argv("run", "--", "-s", "s.rhai"),
  ]) {
    assert.equal(prestartRunThread(a), undefined, a.join(" "));
  }
});

test("the heap limit is the one the flag gives (last wins, both spellings), else the default", () => {
  const cases: [string[], number][] = [
    [argv("run", "-s", "s.rhai", "-p", "p.cedar"), 512],
    [argv("run", "--script-file", "s.rhai", "-p", "p.cedar", "--max-memory-mb", "64"), 64],
    [argv("run", "--script-file=s.rhai", "--max-memory-mb=100", "-p", "p.cedar"), 100],
    [argv("run", "-s", "s", "--max-memory-mb", "64", "--max-memory-mb=32"), 32],
  ];
  for (const [a, mb] of cases) {
    const t = prestartRunThread(a);
    assert.ok(t, a.join(" "));
    assert.equal(t.memoryMb, mb, a.join(" "));
    t.discard();
  }
});

test("a prestarted thread runs the job it is given, once, only at its own heap limit", async () => {
  const job = {
    opts: { script: "40 + 2", policy: "permit(principal, action, resource);", monitoring: false },
  };
  const other = prestartRunThread(argv("run", "-s", "s", "--max-memory-mb", "64"))!;
  assert.equal(other.take(512, job), undefined, "a different limit: not handed out");
  assert.equal(other.take(64, job), undefined, "never handed out after a refusal");

  const t = prestartRunThread(argv("run", "-s", "s"))!;
  const worker = t.take(512, job);
  assert.ok(worker);
  assert.equal(t.take(512, job), undefined, "at most once");
  try {
    const m = await result(worker);
    assert.equal(m.ok, true);
    assert.equal(m.result?.output.status, "SUCCESS");
    assert.equal(m.result?.output.output, "42");
  } finally {
    await worker.terminate();
  }
});
