import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/**
 * Build-gated countersigning end to end (issue 13), every party a separate `sigrun` process in its own
 * directory, files handed over by copying: the approver A, the build host M (sees only the build secret,
 * through an environment variable), the signing host H (holds the release key) and the repository L.
 * L's final check is the real gpgv (and ssh-keygen -Y verify / openssl for the other formats); in the
 * pure-gpg variant H checks M's build signatures with gpgv alone.
 */
const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const tool = (bin: string) => {
  const missing = spawnSync(bin, ["--version"]).error !== undefined;
  if (missing && process.env.CI) throw new Error(`${bin} not installed (required in CI)`);
  return missing ? `${bin} not installed` : false;
};

let root: string;
let gnupg: string;
const dirs = { A: "", M: "", H: "", L: "" };
const ARTIFACTS = ["app.tar.gz", "app-linux-x64.bin", "SHA256SUMS"];

function sigrun(party: keyof typeof dirs, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dirs[party],
    // Nothing of the other parties' secrets is in any party's environment.
    env: {
      PATH: process.env.PATH,
      HOME: dirs[party],
      SIGRUN_AUDIT_LOG: join(dirs[party], "audit.db"),
      ...env,
    },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: { code: number | null; stderr: string }, what: string) {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
}

/** Copies files between parties (the only channel between them). */
function give(from: keyof typeof dirs, to: keyof typeof dirs, files: string[], sub = "") {
  mkdirSync(join(dirs[to], sub), { recursive: true });
  for (const f of files) copyFileSync(join(dirs[from], f), join(dirs[to], sub, f.split("/").pop()!));
}

function gpgv(party: keyof typeof dirs, keyring: string, sig: string, file: string) {
  return spawnSync("gpgv", ["--keyring", join(dirs[party], keyring), sig, file], {
    cwd: dirs[party],
    env: { ...process.env, GNUPGHOME: gnupg },
    encoding: "utf8",
  });
}

function dearmor(party: keyof typeof dirs, from: string, to: string) {
  const r = spawnSync("gpg", ["--batch", "--yes", "--dearmor", "-o", to, from], {
    cwd: dirs[party],
    env: { ...process.env, GNUPGHOME: gnupg },
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
}

let buildSecret = "";

before(() => {
  root = mkdtempSync(join(tmpdir(), "sigrun-countersign-e2e-"));
  gnupg = mkdtempSync(join(tmpdir(), "sigrun-gpg-"));
  for (const p of Object.keys(dirs) as (keyof typeof dirs)[]) {
    dirs[p] = join(root, p);
    mkdirSync(dirs[p]);
  }
  // A: the approver's key; H: the release key. Each created where it lives.
  ok(sigrun("A", ["keygen", "-o", "approver"]), "A keygen");
  ok(sigrun("H", ["keygen", "-o", "release"]), "H keygen");
  const r = sigrun("A", [
    "build-key",
    "new",
    "--build",
    "42",
    "--approver-key",
    "approver.key",
    "-o",
    "build-42",
    "--print-env",
  ]);
  ok(r, "A build-key new");
  buildSecret = r.stdout.trim();
  assert.match(buildSecret, /^sigrun-build-key-v1:42:/);
  // M builds, with only the build secret injected (env), never the release key.
  mkdirSync(join(dirs.M, "dist"));
  for (const a of ARTIFACTS) writeFileSync(join(dirs.M, "dist", a), `${a} built by M\n`.repeat(100));
  const att = sigrun(
    "M",
    [
      "attest",
      ...ARTIFACTS.map((a) => `dist/${a}`),
      "--build-key-env",
      "SIGRUN_BUILD_KEY",
      "-o",
      "att.json",
      "--gpg-sigs",
      "build-sigs",
    ],
    { SIGRUN_BUILD_KEY: buildSecret },
  );
  ok(att, "M attest");
  // Hand-over: M → H (artifacts, attestations, build signatures); A → H (approval, approver public key).
  give(
    "M",
    "H",
    ARTIFACTS.map((a) => `dist/${a}`),
    "in",
  );
  give("M", "H", ["att.json"]);
  give(
    "M",
    "H",
    ARTIFACTS.map((a) => `build-sigs/${a}.asc`),
    "build-sigs",
  );
  give("A", "H", ["build-42/approval.json", "approver.pub", "build-42/build.pub.asc"]);
});

after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(gnupg, { recursive: true, force: true });
});

const inputs = ARTIFACTS.map((a) => `in/${a}`);
const evidence = [
  "--attestations",
  "att.json",
  "--approval",
  "approval.json",
  "--approver-pub",
  "approver.pub",
];

describe("build-gated countersigning: A, M, H, L as separate processes", () => {
  it("the approver's audit log records the approval", () => {
    const v = sigrun("A", ["audit", "show", "audit.db", "--json"]);
    ok(v, "audit show");
    const entries = JSON.parse(v.stdout) as { type: string; data: Record<string, unknown> }[];
    assert.equal(entries[0]!.type, "build-approval");
    assert.equal(entries[0]!.data.build, "42");
    // Hash chain and the approver-signed checkpoints.
    const v2 = sigrun("A", ["audit", "verify", "audit.db", "--host-pub", "approver.pub", "--json"]);
    ok(v2, "audit verify --host-pub");
    assert.ok(JSON.parse(v2.stdout).checkpoints >= 1, v2.stdout);
  });

  it("openpgp: H countersigns, L verifies with gpgv and countersign --verify", {
    skip: tool("gpgv") || tool("gpg"),
  }, () => {
    const r = sigrun("H", [
      "countersign",
      ...inputs,
      ...evidence,
      "--key",
      "release.key",
      "--format",
      "openpgp",
      "-o",
      "sigs",
      "--json",
    ]);
    ok(r, "H countersign");
    const report = JSON.parse(r.stdout) as { artifacts: { decision: string }[] };
    assert.deepEqual(
      report.artifacts.map((a) => a.decision),
      ["sign", "sign", "sign"],
    );
    ok(
      sigrun("H", [
        "key",
        "export",
        "release.key",
        "--format",
        "openpgp",
        "--uid",
        "Release <rel@example.com>",
        "-o",
        "release.asc",
      ]),
      "export",
    );
    ok(sigrun("H", ["audit", "verify", "audit.db"]), "H audit verify");
    // Publish: H → L (signatures, release certificate); M's outputs as published.
    give("H", "L", [...inputs, "att.json", "approval.json", "approver.pub", "release.asc"]);
    give(
      "H",
      "L",
      ARTIFACTS.map((a) => `sigs/${a}.sig`),
      "sigs",
    );
    dearmor("L", "release.asc", "release.gpg");
    for (const a of ARTIFACTS) {
      const v = gpgv("L", "release.gpg", `sigs/${a}.sig`, a);
      assert.equal(v.status, 0, `gpgv ${a}: ${v.stderr}`);
      ok(
        sigrun("L", ["verify-file", a, "--sig", `sigs/${a}.sig`, "--pub", "release.asc"]),
        `verify-file ${a}`,
      );
    }
    const all = sigrun("L", [
      "countersign",
      "--verify",
      ...ARTIFACTS,
      ...evidence,
      "--pub",
      "release.asc",
      "-o",
      "sigs",
      "--json",
    ]);
    ok(all, "L countersign --verify");
    assert.equal(JSON.parse(all.stdout).ok, true);
    // A swapped artifact on L: gpgv and countersign --verify both fail.
    writeFileSync(join(dirs.L, "app.tar.gz"), "backdoored\n");
    assert.notEqual(gpgv("L", "release.gpg", "sigs/app.tar.gz.sig", "app.tar.gz").status, 0);
    const bad = sigrun("L", [
      "countersign",
      "--verify",
      ...ARTIFACTS,
      ...evidence,
      "--pub",
      "release.asc",
      "-o",
      "sigs",
    ]);
    assert.equal(bad.code, 11, bad.stderr); // DIGEST_MISMATCH
  });

  it("pure-gpg H: M's build signatures verify with gpgv against the approved build key", {
    skip: tool("gpgv") || tool("gpg"),
  }, () => {
    dearmor("H", "build.pub.asc", "build.gpg");
    for (const a of ARTIFACTS) {
      const v = gpgv("H", "build.gpg", `build-sigs/${a}.asc`, `in/${a}`);
      assert.equal(v.status, 0, `gpgv ${a}: ${v.stderr}`);
    }
    // The fingerprint gpgv reports is the one in the signed approval.
    const approval = JSON.parse(readFileSync(join(dirs.H, "approval.json"), "utf8")) as { payload: string };
    const fp = JSON.parse(Buffer.from(approval.payload, "base64").toString()).buildKey
      .openpgpFingerprint as string;
    const v = gpgv("H", "build.gpg", "build-sigs/app.tar.gz.asc", "in/app.tar.gz");
    assert.match(v.stderr, new RegExp(fp.slice(-16)));
    writeFileSync(join(dirs.H, "tampered"), "not what M built\n");
    assert.notEqual(gpgv("H", "build.gpg", "build-sigs/app.tar.gz.asc", "tampered").status, 0);
  });

  it("ssh and raw: ssh-keygen -Y verify and openssl verify H's signatures", {
    skip: tool("ssh-keygen") || tool("openssl"),
  }, () => {
    for (const format of ["ssh", "raw"]) {
      ok(
        sigrun("H", [
          "countersign",
          ...inputs,
          ...evidence,
          "--key",
          "release.key",
          "--format",
          format,
          "-o",
          `sigs-${format}`,
        ]),
        format,
      );
    }
    const line = sigrun("H", ["key", "export", "release.key", "--format", "openssh"]);
    writeFileSync(join(dirs.H, "allowed_signers"), `release@example ${line.stdout}`);
    for (const a of ARTIFACTS) {
      const s = spawnSync(
        "ssh-keygen",
        [
          "-Y",
          "verify",
          "-f",
          "allowed_signers",
          "-I",
          "release@example",
          "-n",
          "file",
          "-s",
          `sigs-ssh/${a}.sig`,
        ],
        {
          cwd: dirs.H,
          input: readFileSync(join(dirs.H, "in", a)),
          encoding: "utf8",
        },
      );
      assert.equal(s.status, 0, s.stderr);
      const o = spawnSync(
        "openssl",
        [
          "pkeyutl",
          "-verify",
          "-pubin",
          "-inkey",
          "release.pub",
          "-rawin",
          "-in",
          `in/${a}`,
          "-sigfile",
          `sigs-raw/${a}.sig`,
        ],
        {
          cwd: dirs.H,
          encoding: "utf8",
        },
      );
      assert.equal(o.status, 0, o.stderr);
    }
  });

  it("H refuses a replaced artifact (exit 11), writes no signature for it, and logs the refusal", () => {
    mkdirSync(join(dirs.H, "in2"), { recursive: true });
    for (const a of ARTIFACTS) copyFileSync(join(dirs.H, "in", a), join(dirs.H, "in2", a));
    writeFileSync(join(dirs.H, "in2", "app.tar.gz"), "replaced in transit\n");
    const r = sigrun("H", [
      "countersign",
      ...ARTIFACTS.map((a) => `in2/${a}`),
      ...evidence,
      "--key",
      "release.key",
      "--format",
      "openpgp",
      "-o",
      "sigs2",
      "--json",
    ]);
    assert.equal(r.code, 11, r.stderr);
    const report = JSON.parse(r.stdout) as { artifacts: { name: string; decision: string; code?: string }[] };
    assert.deepEqual(
      report.artifacts.map((a) => [a.name, a.decision, a.code]),
      [
        ["app.tar.gz", "refuse", "DIGEST_MISMATCH"],
        ["app-linux-x64.bin", "sign", undefined],
        ["SHA256SUMS", "sign", undefined],
      ],
    );
    assert.equal(existsSync(join(dirs.H, "sigs2", "app.tar.gz.sig")), false);
    assert.equal(existsSync(join(dirs.H, "sigs2", "SHA256SUMS.sig")), true);
    const log = sigrun("H", ["audit", "show", "audit.db", "--json", "--type", "countersign"]);
    const entries = JSON.parse(log.stdout) as { data: Record<string, unknown> }[];
    assert.ok(entries.some((e) => e.data.decision === "refuse" && e.data.code === "DIGEST_MISMATCH"));
  });

  it("MAC variant: the nonce reaches M and H by environment only; H refuses without it", () => {
    const r = sigrun("A", [
      "build-key",
      "new",
      "--build",
      "43",
      "--approver-key",
      "approver.key",
      "--mac",
      "-o",
      "build-43",
      "--print-env",
    ]);
    ok(r, "build-key new --mac");
    const nonce = r.stdout.trim();
    assert.match(nonce, /^sigrun-build-nonce-v1:43:/);
    assert.ok(
      !readFileSync(join(dirs.A, "build-43", "approval.json"), "utf8").includes(nonce.split(":")[2]!),
    );
    ok(
      sigrun("M", ["attest", "dist/app.tar.gz", "--nonce-env", "NONCE", "-o", "att43.json"], {
        NONCE: nonce,
      }),
      "M attest mac",
    );
    give("M", "H", ["att43.json"]);
    copyFileSync(join(dirs.A, "build-43", "approval.json"), join(dirs.H, "approval43.json"));
    const ev = [
      "--attestations",
      "att43.json",
      "--approval",
      "approval43.json",
      "--approver-pub",
      "approver.pub",
    ];
    const base = ["countersign", "in/app.tar.gz", ...ev, "--key", "release.key", "--format", "openpgp"];
    const without = sigrun("H", [...base, "-o", "sigs43a"]);
    assert.equal(without.code, 2, without.stderr); // USAGE: the nonce is needed
    assert.equal(existsSync(join(dirs.H, "sigs43a", "app.tar.gz.sig")), false);
    ok(sigrun("H", [...base, "-o", "sigs43", "--nonce-env", "NONCE"], { NONCE: nonce }), "H countersign mac");
    assert.equal(existsSync(join(dirs.H, "sigs43", "app.tar.gz.sig")), true);
  });
});
