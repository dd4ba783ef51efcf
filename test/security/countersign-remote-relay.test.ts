import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type RunningRelay, startRelay } from "../../src/relay/server.js";

/**
 * H as the human-attended signer of a remote-signing session (issue 13): the initiator sends
 * `countersign` requests (artifact + approval + attestation) through a real relay (in-process, port 0);
 * both peers are real CLI processes. The signer verifies the evidence itself, shows build, approver and
 * attestation before asking, its Cedar policy sees context.build / context.approver, and the result is
 * checked with gpgv.
 */
const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const tool = (bin: string) => {
  const missing = spawnSync(bin, ["--version"]).error !== undefined;
  if (missing && process.env.CI) throw new Error(`${bin} not installed (required in CI)`);
  return missing ? `${bin} not installed` : false;
};

let dir: string;
let relay: RunningRelay;
let approverId = "";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sigrun(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, SIGRUN_AUDIT_LOG: join(dir, "audit.db"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...process.env, SIGRUN_AUDIT_LOG: join(dir, "audit.db"), ...env },
    encoding: "utf8",
  });
  assert.equal(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};

async function waitFile(path: string, why: () => string | undefined): Promise<void> {
  const end = Date.now() + 20_000;
  while (!existsSync(path) || readFileSync(path, "utf8").length === 0) {
    const reason = why();
    if (reason) throw new Error(reason);
    if (Date.now() > end) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let n = 0;
async function session(o: {
  files: string[];
  signerArgs: string[];
  answers?: string;
  signerEnv?: NodeJS.ProcessEnv;
  attestations?: string;
}) {
  const id = n++;
  const joinFile = join(dir, `join-${id}.pem`);
  writeFileSync(join(dir, `answers-${id}`), o.answers ?? "y\ny\ny\n");
  mkdirSync(join(dir, `out-${id}`));
  const init = sigrun([
    "sign",
    ...o.files,
    "--remote",
    "--signer-key",
    "release.pub",
    "--signer-kex",
    "kex.pub",
    "--relay",
    relay.url,
    "--format",
    "openpgp",
    "--attestations",
    o.attestations ?? "att.json",
    "--approval",
    "approval.json",
    "--join-file",
    joinFile,
    "--join-timeout",
    "40s",
    "--context",
    `build 42 release ${id}`,
    "--output",
    `out-${id}`,
    "--force",
  ]);
  let exited: Run | undefined;
  void init.then((r) => (exited = r));
  await waitFile(joinFile, () => exited && `initiator exited ${exited.code}: ${exited.stderr}`);
  const signer = await sigrun(
    [
      "remote-sign",
      "--file",
      joinFile,
      "--key",
      "release.key",
      "--kex-key",
      "kex.key",
      "--audit",
      `signer-audit-${id}.db`,
      "--approve-from",
      `answers-${id}`,
      ...o.signerArgs,
    ],
    o.signerEnv,
  );
  return {
    init: await init,
    signer,
    out: join(dir, `out-${id}`),
    audit: join(dir, `signer-audit-${id}.db`),
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-countersign-relay-"));
  relay = await startRelay({ listen: "127.0.0.1:0" });
  run(["keygen", "-o", "approver"]);
  run(["keygen", "-o", "release"]);
  run(["keygen", "--type", "x25519", "-o", "kex"]);
  approverId = run(["key", "id", "approver.pub"]).trim().split(/\s+/)[0]!;
  const secret = run([
    "build-key",
    "new",
    "--build",
    "42",
    "--approver-key",
    "approver.key",
    "-o",
    "build",
    "--print-env",
  ]).trim();
  writeFileSync(join(dir, "approval.json"), readFileSync(join(dir, "build", "approval.json")));
  mkdirSync(join(dir, "dist"));
  writeFileSync(join(dir, "dist", "app.tar.gz"), "release artifact\n");
  writeFileSync(join(dir, "dist", "notes.txt"), "release notes\n");
  run(["attest", "dist/app.tar.gz", "dist/notes.txt", "--build-key-env", "BK", "-o", "att.json"], {
    BK: secret,
  });
});

after(async () => {
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("remote countersign through a real relay", () => {
  it("the signer reviews build, approver and attestation, signs; gpgv verifies", {
    skip: tool("gpgv") || tool("gpg"),
  }, async () => {
    const s = await session({
      files: ["dist/app.tar.gz", "dist/notes.txt"],
      signerArgs: ["--approver-pub", "approver.pub"],
    });
    assert.equal(s.signer.code, 0, s.signer.stderr);
    assert.equal(s.init.code, 0, s.init.stderr);
    assert.match(s.signer.stderr, /build:\s+42 \(build key sha256:[0-9a-f]{64}\)/);
    assert.ok(s.signer.stderr.includes(`approver:    ${approverId}`), s.signer.stderr);
    assert.match(s.signer.stderr, /attestation: app\.tar\.gz sha256 [0-9a-f]{64}/);
    // The review comes before the question.
    assert.ok(s.signer.stderr.indexOf("build evidence") < s.signer.stderr.indexOf("sign app.tar.gz"));
    // H's hash-chained log: per request the verified evidence (build facts), then the decision.
    const log = JSON.parse(run(["audit", "show", s.audit, "--json", "--type", "request"])) as {
      data: Record<string, unknown>;
    }[];
    assert.deepEqual(
      log.map((e) => [e.data.name, e.data.evidence ?? e.data.decision, e.data.build ?? null]),
      [
        ["app.tar.gz", "verified", "42"],
        ["app.tar.gz", "sign", null],
        ["notes.txt", "verified", "42"],
        ["notes.txt", "sign", null],
      ],
    );
    assert.ok(log.every((e) => e.data.evidence === undefined || e.data.approver === approverId));
    run(["audit", "verify", s.audit, "--host-pub", "release.pub"]);
    run(["key", "export", "release.key", "--format", "openpgp", "-o", "release.asc"]);
    const home = mkdtempSync(join(tmpdir(), "sigrun-gpg-"));
    try {
      const env = { ...process.env, GNUPGHOME: home };
      assert.equal(
        spawnSync("gpg", ["--batch", "--yes", "--dearmor", "-o", "release.gpg", "release.asc"], {
          cwd: dir,
          env,
        }).status,
        0,
      );
      for (const f of ["app.tar.gz", "notes.txt"]) {
        const v = spawnSync(
          "gpgv",
          ["--keyring", join(dir, "release.gpg"), join(s.out, `${f}.asc`), `dist/${f}`],
          { cwd: dir, env, encoding: "utf8" },
        );
        assert.equal(v.status, 0, v.stderr);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("the signer's Cedar policy decides on context.build and context.approver", async () => {
    writeFileSync(
      join(dir, "allow-42.cedar"),
      `permit(principal, action == Action::"countersign", resource) when { context.build.id == "42" && context.approver == "${approverId}" };`,
    );
    writeFileSync(
      join(dir, "allow-43.cedar"),
      `permit(principal, action == Action::"countersign", resource) when { context.build.id == "43" };`,
    );
    const yes = await session({
      files: ["dist/app.tar.gz"],
      signerArgs: ["--approver-pub", "approver.pub", "--policy", "allow-42.cedar", "--yes"],
      answers: "",
    });
    assert.equal(yes.init.code, 0, yes.init.stderr);
    assert.match(yes.signer.stderr, /policy: allow/);
    const no = await session({
      files: ["dist/app.tar.gz"],
      signerArgs: ["--approver-pub", "approver.pub", "--policy", "allow-43.cedar", "--yes"],
      answers: "",
    });
    assert.equal(no.init.code, 42, no.init.stderr); // PEER_REJECTED
    assert.match(no.init.stderr, /POLICY_DENIED/);
  });

  it("a replaced artifact is rejected by the signer before anyone is asked (DIGEST_MISMATCH)", async () => {
    mkdirSync(join(dir, "swapped"), { recursive: true });
    writeFileSync(join(dir, "swapped", "app.tar.gz"), "backdoored artifact\n");
    const s = await session({
      files: ["swapped/app.tar.gz"],
      signerArgs: ["--approver-pub", "approver.pub"],
      answers: "y\ny\n",
    });
    assert.equal(s.init.code, 42, s.init.stderr);
    assert.match(s.init.stderr, /DIGEST_MISMATCH/);
    assert.doesNotMatch(s.signer.stderr, /sign app\.tar\.gz/);
    assert.equal(existsSync(join(s.out, "app.tar.gz.asc")), false);
    const log = JSON.parse(run(["audit", "show", s.audit, "--json", "--type", "request"])) as {
      data: Record<string, unknown>;
    }[];
    assert.deepEqual(
      log.map((e) => [e.data.decision, e.data.code]),
      [["reject", "DIGEST_MISMATCH"]],
    );
  });

  it("a signer without --approver-pub rejects countersign requests (SIGNER_UNTRUSTED)", async () => {
    const s = await session({ files: ["dist/app.tar.gz"], signerArgs: [] });
    assert.equal(s.init.code, 42, s.init.stderr);
    assert.match(s.init.stderr, /SIGNER_UNTRUSTED/);
  });

  it("--approver-pub needs --audit: every countersign decision is logged", async () => {
    const r = await sigrun([
      "remote-sign",
      "--file",
      "nope.pem",
      "--key",
      "release.key",
      "--kex-key",
      "kex.key",
      "--approver-pub",
      "approver.pub",
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--audit/);
  });
});
