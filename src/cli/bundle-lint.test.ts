import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createBundle, signBundle } from "../bundle/index.js";
import { fileSigner, generateKey } from "../keys/index.js";

const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sigrun-lint-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const sigrun = (...args: string[]) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, REX_RUNNER_DISABLE_MONITORING: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const enc = (s: string) => new TextEncoder().encode(s);
const key = generateKey("ed25519");
mkdirSync(join(dir, "trust"));
writeFileSync(join(dir, "trust", "signer.pem"), key.publicKey.export({ type: "spki", format: "pem" }));
mkdirSync(join(dir, "data"));
writeFileSync(join(dir, "data", "in.txt"), "hello");

let n = 0;
async function bundle(script: string, policy: string, targets: string[] = []): Promise<string> {
  const bytes = createBundle({
    files: new Map([
      ["script.rhai", enc(script)],
      ["policy.cedar", enc(policy)],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    targets,
    created: Date.now(),
    validForMs: 3_600_000,
  });
  const p = join(dir, `b${n++}.sgb`);
  writeFileSync(p, await signBundle(bytes, fileSigner(key.privateKey)));
  return p;
}
const lint = (p: string, ...flags: string[]) => {
  const r = sigrun("bundle", "lint", p, "--json", ...flags);
  return { ...r, report: JSON.parse(r.stdout) };
};

const READ_ONLY = `permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"${dir}/data");`;
const WRITES = `write("${dir}/data/out.txt", "x"); cat("${dir}/data/in.txt")`;
const blockedFns = (r: { hostFunctions: { neverPermitted: { function: string; severity: string }[] } }) =>
  r.hostFunctions.neverPermitted.filter((b) => b.severity === "error").map((b) => b.function);

test("bundle lint: a clean bundle exits 0 and says so in every section", async () => {
  const p = await bundle(`cat("${dir}/data/in.txt")`, READ_ONLY);
  const r = lint(p);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.report.version, 1);
  assert.equal(r.report.ok, true);
  assert.equal(r.report.errors, 0);
  assert.equal(r.report.target.match, true);
  assert.equal(r.report.hostFunctions.analyzed, true);
  assert.deepEqual(r.report.hostFunctions.neverPermitted, []);
  const human = sigrun("bundle", "lint", p);
  assert.equal(human.code, 0, human.stderr);
  for (const section of [
    "bundle",
    "principal",
    "target",
    "script",
    "policy",
    "host functions never permitted",
  ])
    assert.match(human.stdout, new RegExp(`^${section}$`, "m"));
});

test("bundle lint: a function whose action the policy never permits is reported with the action; a permitting policy is not", async () => {
  const bad = lint(await bundle(WRITES, READ_ONLY));
  assert.equal(bad.code, 34, bad.stderr);
  assert.match(bad.stderr, /LINT_FAILED/);
  assert.deepEqual(blockedFns(bad.report), ["write"]);
  const w = bad.report.hostFunctions.neverPermitted.find((b: { function: string }) => b.function === "write");
  assert.ok(w.required.flat().includes('file_system::Action::"write"'), JSON.stringify(w));
  assert.equal(w.line, 1);
  const human = sigrun("bundle", "lint", await bundle(WRITES, READ_ONLY));
  assert.match(
    human.stdout,
    /ERROR: line 1, column 1: write needs .*file_system::Action::"write".*never permitted by the policy/,
  );
  // the same script under a policy that permits writing in that directory: nothing to report
  const good = lint(
    await bundle(WRITES, `permit(principal, action, resource in file_system::Dir::"${dir}/data");`),
  );
  assert.equal(good.code, 0, good.stdout);
  assert.deepEqual(good.report.hostFunctions.neverPermitted, []);
});

test("bundle lint: an unconditional forbid on the action makes it never permitted; a conditional one does not", async () => {
  const all = `permit(principal, action, resource);`;
  const forbid = lint(
    await bundle(WRITES, `${all}\nforbid(principal, action == file_system::Action::"write", resource);`),
  );
  assert.equal(forbid.code, 34);
  assert.deepEqual(blockedFns(forbid.report), ["write"]);
  const conditional = lint(
    await bundle(
      WRITES,
      `${all}\nforbid(principal, action == file_system::Action::"write", resource) when { resource.path like "/etc/*" };`,
    ),
  );
  assert.equal(conditional.code, 0, conditional.stdout);
});

test("bundle lint: parse errors in both files (a bundle made with create --no-check), with positions", () => {
  const s = join(dir, "bad.rhai");
  const pol = join(dir, "bad.cedar");
  writeFileSync(s, "let x = 1;\nlet y = ;\n");
  writeFileSync(
    pol,
    'permit(principal, action, resource);\npermit(principal, action == file_system::Action::"nope", resource);\n',
  );
  const out = join(dir, "broken.sgb");
  const c = sigrun("bundle", "create", "-s", s, "-p", pol, "-o", out, "--no-check");
  assert.equal(c.code, 0, c.stderr);
  const r = lint(out);
  assert.equal(r.code, 34);
  assert.equal(r.report.script.errors.length, 1);
  assert.equal(r.report.script.errors[0].line, 2);
  assert.ok(r.report.policy.errors.length >= 1);
  assert.equal(r.report.policy.errors[0].line, 2);
  assert.match(r.report.policy.errors[0].message, /unrecognized action/);
  assert.equal(r.report.hostFunctions.analyzed, false);
  writeFileSync(pol, "permit(principal, action, resource)\nforbid(oops);\n");
  const out2 = join(dir, "broken2.sgb");
  assert.equal(sigrun("bundle", "create", "-s", s, "-p", pol, "-o", out2, "--no-check").code, 0);
  const r2 = lint(out2);
  assert.equal(r2.code, 34);
  assert.equal(r2.report.policy.errors[0].line, 2);
});

test("bundle lint --as-agent --host-id: targets checked as the agent does (match, mismatch, group)", async () => {
  const p = await bundle("1", READ_ONLY, ["web-1", "group:db"]);
  const ok = lint(p, "--as-agent", "--host-id", "web-1");
  assert.equal(ok.code, 0, ok.stdout);
  assert.deepEqual([ok.report.target.as, ok.report.target.match], ["agent", true]);
  assert.equal(ok.report.principal.osUser, null);
  const no = lint(p, "--as-agent", "--host-id", "web-2");
  assert.equal(no.code, 34);
  assert.equal(no.report.target.match, false);
  assert.match(no.report.target.message, /WRONG_TARGET/);
  assert.equal(lint(p, "--as-agent", "--host-id", "web-2", "--groups", "db").code, 0);
  // without --as-agent: this machine's hostname, as sigrun run checks it
  const here = lint(p);
  assert.equal(here.report.target.host, hostname().split(".")[0]);
  assert.equal(here.report.target.match, false);
  assert.equal(sigrun("bundle", "lint", p, "--host-id", "web-1").code, 2);
});

test("bundle lint --trust: the principal is the one sigrun run uses", async () => {
  const id = fileSigner(key.privateKey).publicKey.keyId;
  const script = `cat("${dir}/data/in.txt")`;
  const policy = `permit(principal == User::"${id}", action, resource in file_system::Dir::"${dir}/data");`;
  const p = await bundle(script, policy);
  const r = lint(p, "--trust", join(dir, "trust"));
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.report.principal.verified, true);
  assert.equal(r.report.principal.principal, `User::"${id}"`);
  // and sigrun run, with the same trust, runs it as exactly that principal (the policy permits no other)
  const run = sigrun("run", p, "--trust", join(dir, "trust"));
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).output, "hello");
  const other = await bundle(script, policy.replace(id, "sha256:00"));
  assert.equal(JSON.parse(sigrun("run", other, "--trust", join(dir, "trust")).stdout).status, "ERROR");
  // without --trust: the signatures are listed, the principal is not claimed
  const u = lint(p);
  assert.equal(u.report.principal.principal, null);
  assert.deepEqual(u.report.bundle.signatures, [id]);
});

test("bundle lint: print is reported where it is (disabled in run and on the agent)", async () => {
  const r = lint(await bundle('let x = 1;\nprint("x");\nx', READ_ONLY));
  assert.equal(r.code, 34);
  assert.equal(r.report.script.errors[0].line, 2);
  assert.match(r.report.script.errors[0].message, /'print' is disabled in sigrun run and on the agent/);
});

test('bundle lint: a permit for User::"root" (an OS user) can never apply in bundle mode — its calls are errors', async () => {
  const id = fileSigner(key.privateKey).publicKey.keyId;
  const script = `cat("${dir}/data/in.txt")`;
  const p = await bundle(script, 'permit(principal == User::"root", action, resource);');
  for (const flags of [["--trust", join(dir, "trust")], [], ["--as-agent", "--host-id", "web-1"]]) {
    const r = lint(p, ...flags);
    assert.equal(r.code, 34, `${flags.join(" ")}: ${r.stdout}`);
    assert.deepEqual(
      r.report.hostFunctions.neverPermitted.map((b: { function: string; severity: string }) => [
        b.function,
        b.severity,
      ]),
      [["cat", "error"]],
      flags.join(" "),
    );
  }
  // and the run agrees: denied under the signer's key id, whoever the OS user is
  const run = sigrun("run", p, "--trust", join(dir, "trust"));
  assert.equal(JSON.parse(run.stdout).status, "ERROR");
  // a permit naming the signer (one of the signatures' key ids) still counts, with or without --trust
  const ok = await bundle(script, `permit(principal == User::"${id}", action, resource);`);
  for (const flags of [["--trust", join(dir, "trust")], []])
    assert.deepEqual(lint(ok, ...flags).report.hostFunctions.neverPermitted, [], flags.join(" "));
  // the OS user is shown as what it is: recorded, never the principal, not in the Cedar context
  const text = sigrun("bundle", "lint", p).stdout;
  assert.match(
    text,
    /^ {2}os_user: \S+ \(this OS user, for sigrun run; recorded in sigrun_explain, never the principal\)$/m,
  );
  assert.doesNotMatch(text, /context\.os_user/);
});
