import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cli, tempDir } from "../../test/kit/bundle-fixtures.js";
import { type RunningRelay, startRelay } from "../relay/server.js";

/** Issue 16 "Remote signing", through the real CLI: initiator and signer as two processes and a relay. */
const MAIN = new URL("./main.js", import.meta.url).pathname;
let t: { dir: string; cleanup: () => void };
let relay: RunningRelay;
const d = (f: string) => join(t.dir, f);
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  cli(args, { cwd: t.dir, env: { ...process.env, ...env } });

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}
function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { done: Promise<Done>; kill: (s: NodeJS.Signals) => void } {
  const p = spawn(process.execPath, [MAIN, ...args], { cwd: t.dir, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (b) => (stdout += b));
  p.stderr.on("data", (b) => (stderr += b));
  const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
  const done = new Promise<Done>((resolve) =>
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { done, kill: (s) => p.kill(s) };
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(path), `${path} appeared`);
}

let n = 0;
/** One session: `sign --remote files…` against `remote-sign --approve-from answers`. */
async function session(files: string[], answers: string[], extra: string[] = [], signerExtra: string[] = []) {
  const jf = `j${++n}.pem`;
  writeFileSync(d(`answers${n}`), `${answers.join("\n")}\n`);
  const init = spawnCli([
    "sign",
    ...files,
    "--remote",
    "--signer-kex",
    "x.pub",
    "--signer-key",
    "s.pub",
    "--relay",
    relay.url,
    "--join-file",
    jf,
    "--force",
    ...extra,
  ]);
  await waitFor(d(jf));
  const signer = spawnCli([
    "remote-sign",
    "--file",
    jf,
    "--key",
    "s.key",
    "--kex-key",
    "x.key",
    "--approve-from",
    `answers${n}`,
    ...signerExtra,
  ]);
  return { initiator: await init.done, signer: await signer.done };
}

before(async () => {
  t = tempDir("sigrun-remote-cli-");
  relay = await startRelay({ listen: "127.0.0.1:0" });
  assert.equal(run(["keygen", "-o", "s", "--no-passphrase"]).code, 0);
  assert.equal(run(["keygen", "--type", "x25519", "-o", "x", "--no-passphrase"]).code, 0);
  for (const f of ["a", "b", "c"]) writeFileSync(d(`${f}.txt`), `file ${f}\n\u001b[2Jline two\n`);
});
after(async () => {
  await relay.close();
  t.cleanup();
});

test("per-file answers: approved signatures written, declined reported, partial-result exit 47", async () => {
  const { initiator, signer } = await session(["a.txt", "b.txt", "c.txt"], ["y", "y", "n", "y"]);
  assert.equal(initiator.code, 47, initiator.stderr);
  assert.ok(existsSync(d("a.txt.sig")) && existsSync(d("c.txt.sig")));
  assert.ok(!existsSync(d("b.txt.sig")));
  assert.match(initiator.stderr, /signed 2 of 3; declined: b\.txt \(DECLINED\)/);
  assert.equal(run(["verify-file", "c.txt", "--sig", "c.txt.sig", "--pub", "s.pub"]).code, 0);
  // the signer's review: k of N, escaped text preview, SAS hint, unauthenticated claims, countdown
  assert.equal(signer.code, 0, signer.stderr);
  assert.match(signer.stderr, /request #2 \(2 of 3\)/);
  assert.match(signer.stderr, /\\x1b\[2Jline two/);
  assert.ok(!signer.stderr.includes("\u001b[2J"), "no raw control character reaches the terminal");
  assert.match(signer.stderr, /compare it with the initiator's log/);
  assert.match(signer.stderr, /unauthenticated claims/);
  assert.match(signer.stderr, /to answer: the initiator gives up at/);
});

test("--all-or-nothing: one decline, nothing written, and the summary says so", async () => {
  for (const f of ["a", "b", "c"]) if (existsSync(d(`${f}.txt.sig`))) writeFileSync(d(`${f}.txt.sig`), "old");
  const { initiator } = await session(["a.txt", "b.txt", "c.txt"], ["y", "y", "n"], ["--all-or-nothing"]);
  assert.equal(initiator.code, 42, initiator.stderr);
  assert.match(initiator.stderr, /all or nothing: no signature was written/);
  assert.equal(readFileSync(d("a.txt.sig"), "utf8"), "old", "the approved one was not written either");
});

test("answer a: this and all remaining requests are signed", async () => {
  const { initiator } = await session(["a.txt", "b.txt", "c.txt"], ["y", "a"]);
  assert.equal(initiator.code, 0, initiator.stderr);
  for (const f of ["a", "b", "c"])
    assert.equal(run(["verify-file", `${f}.txt`, "--sig", `${f}.txt.sig`, "--pub", "s.pub"]).code, 0);
});

test("local checks run before anyone is asked", () => {
  const down = "ws://127.0.0.1:9/";
  const base = ["--remote", "--signer-kex", "x.pub", "--signer-key", "s.pub", "--relay", down];
  const notBundle = run(["sign", "a.txt", ...base, "--format", "bundle"]);
  assert.equal(notBundle.code, 10, notBundle.stderr);
  assert.match(notBundle.stderr, /--format bundle needs a \.sgb/);
  const prov = run(["sign", "a.txt", ...base, "--provenance", "github"], {
    ACTIONS_ID_TOKEN_REQUEST_URL: "",
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: "",
  });
  assert.equal(prov.code, 2, prov.stderr);
  assert.match(prov.stderr, /ACTIONS_ID_TOKEN_REQUEST_URL/);
  assert.equal(run(["sign", "missing.txt", ...base]).code, 28);
  assert.equal(run(["sign", "a.txt", ...base, "--force"]).code, 43, "relay down");
});

test("--signer-hint: the join command names real flags and paths; placeholders fit the mode", async () => {
  const r = await spawnCli([
    "sign",
    "a.txt",
    "--remote",
    "--signer-kex",
    "x.pub",
    "--signer-key",
    "s.pub",
    "--relay",
    relay.url,
    "--join-timeout",
    "1s",
    "--force",
    "--signer-hint",
    "--key ~/keys/release.key --kex-key ~/keys/kex.key",
  ]).done;
  assert.equal(r.code, 40, r.stderr);
  assert.match(r.stderr, /sigrun remote-sign \S+ --key ~\/keys\/release\.key --kex-key ~\/keys\/kex\.key\n/);
  assert.doesNotMatch(r.stderr, /SIGNING_KEY/);
  writeFileSync(d("ss.secret"), "correct horse battery staple\n");
  const ss = await spawnCli([
    "sign",
    "a.txt",
    "--remote",
    "--shared-secret-file",
    "ss.secret",
    "--signer-key",
    "s.pub",
    "--relay",
    relay.url,
    "--join-timeout",
    "1s",
    "--force",
  ]).done;
  assert.match(ss.stderr, /--key SIGNING_KEY --shared-secret-file SECRET_FILE/);
  assert.equal(
    run([
      "sign",
      "a.txt",
      "--remote",
      "--signer-kex",
      "x.pub",
      "--signer-key",
      "s.pub",
      "--signer-hint",
      "--key $(rm -rf ~)",
    ]).code,
    2,
  );
});

test("remote-sign --inspect without --key does not claim the key matches", async () => {
  const init = spawnCli([
    "sign",
    "a.txt",
    "--remote",
    "--signer-kex",
    "x.pub",
    "--signer-key",
    "s.pub",
    "--relay",
    relay.url,
    "--join-file",
    "jinspect.pem",
    "--join-timeout",
    "60s",
    "--force",
  ]);
  await waitFor(d("jinspect.pem"));
  const text = run(["remote-sign", "--file", "jinspect.pem", "--kex-key", "x.key", "--inspect"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /NOT CHECKED/);
  assert.doesNotMatch(text.stdout, /matches the key/);
  const json = JSON.parse(
    run(["remote-sign", "--file", "jinspect.pem", "--kex-key", "x.key", "--inspect", "--json"]).stdout,
  );
  assert.equal(json.keyChecked, false, JSON.stringify(json));
  const withKey = run([
    "remote-sign",
    "--file",
    "jinspect.pem",
    "--kex-key",
    "x.key",
    "--key",
    "s.key",
    "--inspect",
  ]);
  assert.match(withKey.stdout, /matches the key the initiator expects/);
  init.kill("SIGTERM");
  assert.equal((await init.done).code, 57, "Ctrl-C/SIGTERM on the initiator: INTERRUPTED");
});
