import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type RunningRelay, startRelay } from "../../src/relay/server.js";
import { type LocalIssuer, startIssuer } from "./oidc-issuer.js";

/**
 * End to end over a real relay (in-process, port 0) with both peers as real CLI processes:
 * `sigrun sign --remote` and `sigrun remote-sign`, every format checked afterwards by the tool users
 * would use (openssl, ssh-keygen -Y verify, gpgv, sigrun verify), plus the documented exit codes.
 */
const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const missing = (bin: string) => (spawnSync(bin, ["--help"]).error ? `${bin} not installed` : undefined);

let dir: string;
let relay: RunningRelay;
let issuer: LocalIssuer;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sigrun(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

async function waitFile(path: string, timeoutMs = 10_000, why?: () => string | undefined): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, "utf8").length === 0) {
    const reason = why?.();
    if (reason) throw new Error(reason);
    if (Date.now() > end) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let n = 0;
/** One session: the initiator signs `file`; the signer answers from `answers`. */
async function session(opts: {
  file: string;
  format: string;
  key: string;
  answers?: string;
  initiatorArgs?: string[];
  signerArgs?: string[];
  env?: NodeJS.ProcessEnv;
  signerEnv?: NodeJS.ProcessEnv;
}) {
  const id = n++;
  const joinFile = join(dir, `join-${id}.pem`);
  writeFileSync(join(dir, `answers-${id}`), opts.answers ?? "y\ny\n");
  const init = sigrun(
    [
      "sign",
      opts.file,
      "--remote",
      "--signer-key",
      `${opts.key}.pub`,
      "--relay",
      relay.url,
      "--format",
      opts.format,
      "--join-file",
      joinFile,
      "--join-timeout",
      "40s",
      "--context",
      `acme/app e2e ${id}`,
      "--force",
      ...(opts.initiatorArgs ?? ["--signer-kex", "kex.pub"]),
    ],
    opts.env,
  );
  let exited: Run | undefined;
  void init.then((r) => (exited = r));
  await waitFile(
    joinFile,
    20_000,
    () => exited && `initiator exited ${exited.code} before the join file: ${exited.stderr}`,
  );
  const signer = await sigrun(
    [
      "remote-sign",
      "--file",
      joinFile,
      "--key",
      `${opts.key}.key`,
      "--approve-from",
      `answers-${id}`,
      "--audit",
      "audit.jsonl",
      ...(opts.signerArgs ?? ["--kex-key", "kex.key"]),
    ],
    opts.signerEnv ?? opts.env,
  );
  return { init: await init, signer };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-remote-e2e-"));
  relay = await startRelay({ listen: "127.0.0.1:0" });
  issuer = await startIssuer();
  for (const [name, type] of [
    ["ed", "ed25519"],
    ["ec", "p256"],
    ["kex", "x25519"],
  ]) {
    const r = spawnSync(process.execPath, [CLI, "keygen", "--type", type!, "-o", name!], {
      cwd: dir,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
  }
  writeFileSync(join(dir, "app.tar.gz"), "release artifact\n");
  writeFileSync(join(dir, "secret"), "e2e-shared-secret-0123456789\n");
});
after(async () => {
  await relay?.close();
  await issuer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("remote signing end to end over a real relay", () => {
  it("public-key mode, raw: openssl verifies the signature", { skip: missing("openssl") }, async () => {
    const { init, signer } = await session({ file: "app.tar.gz", format: "raw", key: "ed" });
    assert.equal(signer.code, 0, signer.stderr);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, /-----BEGIN SIGRUN JOIN STRING-----/);
    const v = spawnSync(
      "openssl",
      [
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "ed.pub",
        "-rawin",
        "-in",
        "app.tar.gz",
        "-sigfile",
        "app.tar.gz.sig",
      ],
      { cwd: dir, encoding: "utf8" },
    );
    assert.equal(v.status, 0, v.stderr);
    const audit = readFileSync(join(dir, "audit.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.ok(audit.some((e) => e.event === "request" && e.decision === "sign" && e.name === "app.tar.gz"));
  });

  it("public-key mode, ssh: ssh-keygen -Y verify accepts the signature", {
    skip: missing("ssh-keygen"),
  }, async () => {
    const { init, signer } = await session({ file: "app.tar.gz", format: "ssh", key: "ec" });
    assert.equal(signer.code, 0, signer.stderr);
    assert.equal(init.code, 0, init.stderr);
    const line = spawnSync(process.execPath, [CLI, "key", "export", "ec.key", "--format", "openssh"], {
      cwd: dir,
      encoding: "utf8",
    });
    writeFileSync(join(dir, "allowed_signers"), `rel@example ${line.stdout}`);
    const v = spawnSync(
      "ssh-keygen",
      ["-Y", "verify", "-f", "allowed_signers", "-I", "rel@example", "-n", "file", "-s", "app.tar.gz.sig"],
      {
        cwd: dir,
        input: readFileSync(join(dir, "app.tar.gz")),
        encoding: "utf8",
      },
    );
    assert.equal(v.status, 0, v.stderr);
  });

  it("shared-secret mode (CPace), openpgp: gpgv verifies the signature", {
    skip: missing("gpgv") ?? missing("gpg"),
  }, async () => {
    const { init, signer } = await session({
      file: "app.tar.gz",
      format: "openpgp",
      key: "ed",
      initiatorArgs: ["--shared-secret-file", "secret"],
      signerArgs: ["--shared-secret-env", "E2E_SECRET"],
      signerEnv: { E2E_SECRET: "e2e-shared-secret-0123456789" },
    });
    assert.equal(signer.code, 0, signer.stderr);
    assert.equal(init.code, 0, init.stderr);
    const exp = spawnSync(
      process.execPath,
      [
        CLI,
        "key",
        "export",
        "ed.key",
        "--format",
        "openpgp",
        "--uid",
        "Rel <rel@example.com>",
        "-o",
        "rel.asc",
      ],
      { cwd: dir, encoding: "utf8" },
    );
    assert.equal(exp.status, 0, exp.stderr);
    const home = mkdtempSync(join(tmpdir(), "sigrun-gpg-"));
    try {
      const env = { ...process.env, GNUPGHOME: home };
      assert.equal(
        spawnSync("gpg", ["--batch", "--dearmor", "-o", "rel.gpg", "rel.asc"], { cwd: dir, env }).status,
        0,
      );
      const v = spawnSync("gpgv", ["--keyring", join(dir, "rel.gpg"), "app.tar.gz.asc", "app.tar.gz"], {
        cwd: dir,
        env,
        encoding: "utf8",
      });
      assert.equal(v.status, 0, v.stderr);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("bundle: signed remotely, then `sigrun verify` accepts it", async () => {
    writeFileSync(join(dir, "script.rhai"), "let x = 1 + 1;\nx\n");
    writeFileSync(join(dir, "policy.cedar"), "permit(principal, action, resource) when { false };\n");
    const c = spawnSync(
      process.execPath,
      [CLI, "bundle", "create", "-s", "script.rhai", "-p", "policy.cedar", "-o", "job.sgb"],
      { cwd: dir, encoding: "utf8" },
    );
    assert.equal(c.status, 0, c.stderr);
    const { init, signer } = await session({ file: "job.sgb", format: "bundle", key: "ed" });
    assert.equal(signer.code, 0, signer.stderr);
    assert.equal(init.code, 0, init.stderr);
    assert.match(signer.stderr, /let x = 1 \+ 1;/, "the signer was shown the script");
    assert.match(signer.stderr, /when \{ false \}/, "the signer was shown the policy");
    const v = spawnSync(process.execPath, [CLI, "verify", "job.sgb", "--trust", "ed.pub"], {
      cwd: dir,
      encoding: "utf8",
    });
    assert.equal(v.status, 0, v.stderr);
  });

  it("provenance: GitHub-style OIDC token bound to the session + Cedar policy with --yes signs unattended", async () => {
    writeFileSync(
      join(dir, "signer.cedar"),
      'permit(principal, action == Action::"sign", resource) when { principal.verified && principal has repository && principal.repository == "acme/app" && resource.format == "raw" };\n',
    );
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${issuer.url}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runner-token",
    };
    const policyArgs = [
      "--kex-key",
      "kex.key",
      "--oidc-issuer",
      issuer.url,
      "--require-provenance",
      "--policy",
      "signer.cedar",
      "--yes",
    ];
    const { init, signer } = await session({
      file: "app.tar.gz",
      format: "raw",
      key: "ed",
      answers: "",
      initiatorArgs: ["--signer-kex", "kex.pub", "--provenance", "github"],
      signerArgs: policyArgs,
      env,
    });
    assert.equal(signer.code, 0, signer.stderr);
    assert.equal(init.code, 0, init.stderr);
    assert.match(signer.stderr, /provenance verified .*repository=acme\/app/);
    // without a token the same signer refuses the session
    const again = await session({
      file: "app.tar.gz",
      format: "raw",
      key: "ed",
      answers: "",
      signerArgs: policyArgs,
    });
    assert.equal(again.init.code, 42, again.init.stderr);
    assert.notEqual(again.signer.code, 0);
  });

  it("exit codes: signer rejects → 42; nothing written", async () => {
    writeFileSync(join(dir, "other.bin"), "do not sign me\n");
    const { init, signer } = await session({
      file: "other.bin",
      format: "raw",
      key: "ed",
      answers: "y\nn\n",
    });
    assert.equal(signer.code, 0, signer.stderr);
    assert.equal(init.code, 42, init.stderr);
    assert.match(init.stderr, /PEER_REJECTED/);
    assert.equal(existsSync(join(dir, "other.bin.sig")), false);
  });

  it("exit codes: wrong shared secret → 41 on both sides", async () => {
    const { init, signer } = await session({
      file: "app.tar.gz",
      format: "raw",
      key: "ed",
      initiatorArgs: ["--shared-secret-file", "secret"],
      signerArgs: ["--shared-secret-env", "E2E_SECRET"],
      signerEnv: { E2E_SECRET: "not-the-right-secret-000" },
    });
    assert.equal(init.code, 41, init.stderr);
    assert.equal(signer.code, 41, signer.stderr);
  });

  it("exit codes: nobody joined → 40; relay unavailable → 43", async () => {
    const r = await sigrun([
      "sign",
      "app.tar.gz",
      "--remote",
      "--signer-kex",
      "kex.pub",
      "--signer-key",
      "ed.pub",
      "--relay",
      relay.url,
      "--join-timeout",
      "1s",
      "--force",
    ]);
    assert.equal(r.code, 40, r.stderr);
    const u = await sigrun([
      "sign",
      "app.tar.gz",
      "--remote",
      "--signer-kex",
      "kex.pub",
      "--signer-key",
      "ed.pub",
      "--relay",
      "ws://127.0.0.1:1/",
      "--force",
    ]);
    assert.equal(u.code, 43, u.stderr);
  });

  it("remote-sign --inspect shows the context without joining; secrets are refused on argv-only usage", async () => {
    const joinFile = join(dir, "inspect.pem");
    const init = sigrun([
      "sign",
      "app.tar.gz",
      "--remote",
      "--signer-kex",
      "kex.pub",
      "--signer-key",
      "ed.pub",
      "--relay",
      relay.url,
      "--join-file",
      joinFile,
      "--join-timeout",
      "8s", // long enough for a second CLI process to start on a loaded machine
      "--context",
      "inspect me",
      "--force",
    ]);
    await waitFile(joinFile);
    const r = await sigrun([
      "remote-sign",
      "--file",
      joinFile,
      "--kex-key",
      "kex.key",
      "--inspect",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).context, "inspect me");
    assert.equal((await init).code, 40);
  });
});
