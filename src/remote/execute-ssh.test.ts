// End to end through a real sshd (test/kit/sshd.ts) and the CLI exactly as documented: `sigrun host add`
// prints the restricted authorized_keys install command, the test runs its remote half in a scratch HOME
// (proving the quoting) and installs the line, `host add` again pins the receipt and job keys over the
// pinned channel, then `sigrun execute` runs the copy example and sha256sum over SSH.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { COPY_SCRIPT, SHA256SUM_SCRIPT, signedApp, writeTree } from "../../test/kit/sealed-world.js";
import { sshdAvailable, startSshd, type TestSshd } from "../../test/kit/sshd.js";
import { fileSigner, generateKey, publicKeyPem } from "../keys/index.js";

const CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const skip = !sshdAvailable() && !process.env.CI ? "sshd not installed" : false;

let sshd: TestSshd;
let dir: string;
let env: NodeJS.ProcessEnv;

function sigrun(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  if (skip) return;
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), "sigrun-ssh-e2e-"));
  env = { ...process.env, XDG_CONFIG_HOME: join(dir, "config") };
  const owner = fileSigner(generateKey("ed25519").privateKey);
  mkdirSync(join(dir, "trusted"));
  writeFileSync(join(dir, "trusted", "owner.pem"), publicKeyPem(owner.publicKey.keyObject));
  writeFileSync(join(dir, "copy.sgb"), await signedApp(owner, COPY_SCRIPT));
  writeFileSync(join(dir, "sha.sgb"), await signedApp(owner, SHA256SUM_SCRIPT));
});
after(async () => {
  if (skip) return;
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("host add over ssh: restricted key line, pinned host key, then receipt and job keys", { skip }, () => {
  const target = `${sshd.user}@127.0.0.1:${sshd.port}`;
  const remote = [
    "--remote-sigrun",
    sshd.sigrunWrapper,
    "--remote-state",
    join(dir, "host-state"),
    "--remote-trust",
    join(dir, "trusted"),
  ];
  // the seed's spelling: --alias / --hostname
  const first = sigrun([
    "host",
    "add",
    "--alias",
    "caroline",
    "--hostname",
    target,
    "--host-key-fingerprint",
    sshd.hostKeyFingerprint(),
    ...remote,
  ]);
  assert.equal(first.status, 0, first.stderr);
  const line = first.stdout.trim();
  assert.match(
    line,
    /^ssh -p \d+ \S+@127\.0\.0\.1 "umask 077 && mkdir -p \.ssh && echo '.*' >> \.ssh\/authorized_keys"$/,
  );
  const hostDir = join(dir, "config", "sigrun", "hosts", "caroline");
  assert.equal(statSync(hostDir).mode & 0o777, 0o700);
  assert.equal(statSync(join(hostDir, "id_ed25519")).mode & 0o777, 0o600);
  // run the remote half as the user's shell would, in a scratch HOME, and install the resulting line
  const remoteCmd = /"(.*)"$/.exec(line)![1]!.replace(/\\"/g, '"');
  const home = join(dir, "home");
  mkdirSync(home);
  const sh = spawnSync("sh", ["-c", remoteCmd], {
    cwd: home,
    env: { ...process.env, HOME: home },
    encoding: "utf8",
  });
  assert.equal(sh.status, 0, sh.stderr);
  const installed = readFileSync(join(home, ".ssh", "authorized_keys"), "utf8");
  assert.match(
    installed,
    /^restrict,command="\S+ agent --stdin --state \S+ --trust \S+" ssh-ed25519 AAAA\S+ sigrun-caroline\n$/,
  );
  appendFileSync(sshd.authorizedKeys, installed);
  const show = JSON.parse(sigrun(["host", "show", "caroline", "--json"]).stdout);
  assert.equal(show.status, "pending");
  assert.equal(show.sshHostKey, sshd.hostKeyFingerprint());
  const second = sigrun(["host", "add", "caroline", "--json"]);
  assert.equal(second.status, 0, second.stderr);
  const ready = JSON.parse(second.stdout);
  assert.equal(ready.status, "ready");
  assert.match(ready.receiptKeyId, /^sha256:[0-9a-f]{64}$/);
  assert.match(ready.jobKey, /^age1/);
  // the second run keeps the --remote-* values of the first (it used to fall back to the defaults)
  assert.equal(
    ready.remoteCommand,
    `${sshd.sigrunWrapper} agent --stdin --state ${join(dir, "host-state")} --trust ${join(dir, "trusted")}`,
  );
  assert.equal(ready.installCommand, line);
  // the receipt key pinned is the host agent's own key
  assert.equal(readFileSync(join(dir, "host-state", "host.pub"), "utf8").includes("PUBLIC KEY"), true);
  const again = sigrun(["host", "add", "caroline"]);
  assert.equal(again.status, 2, "a pinned host is not silently re-pinned");
  const list = JSON.parse(sigrun(["host", "list", "--json"]).stdout);
  assert.deepEqual(
    list.map((h: { name: string }) => h.name),
    ["caroline"],
  );
});

test("execute over ssh: the copy example and sha256sum", { skip }, () => {
  writeTree(join(dir, "INPUTS"), { "f1.txt": "Hello World" });
  const r = sigrun([
    "execute",
    "--host",
    "caroline",
    "--application",
    join(dir, "copy.sgb"),
    "--inputs",
    join(dir, "INPUTS"),
    "--outputs",
    join(dir, "OUTPUTS"),
    "--json",
  ]);
  assert.equal(r.status, 0, r.stderr);
  const sum = JSON.parse(r.stdout);
  assert.equal(sum.status, "succeeded");
  assert.equal(sum.attestation, "none");
  assert.equal(readFileSync(join(dir, "OUTPUTS", "f1.txt"), "utf8"), "Hello World");
  const data = { "x.txt": "x\n", "y.txt": "why\n" };
  writeTree(join(dir, "in2"), data);
  const s = sigrun([
    "execute",
    "--host",
    "caroline",
    "--app",
    join(dir, "sha.sgb"),
    "--inputs",
    join(dir, "in2"),
    "--outputs",
    join(dir, "out2"),
    "--timeout",
    "1m",
  ]);
  assert.equal(s.status, 0, s.stderr);
  for (const [n, d] of Object.entries(data))
    assert.equal(
      readFileSync(join(dir, "out2", `${n}.sha256`), "utf8").split(" ")[0],
      createHash("sha256").update(d).digest("hex"),
    );
});

/**
 * `host add` on a terminal (python3's pty module): ONE command prints the install line, waits for Enter
 * while the "user" installs it (the pty driver appends the line to sshd's authorized_keys), then pins the
 * receipt and job keys over the pinned channel.
 */
test("host add on a terminal: one command shows the line, waits for it to be installed, pins the keys", {
  skip:
    skip ||
    (spawnSync("python3", ["-c", "import pty"]).status !== 0 && !process.env.CI
      ? "python3 not installed"
      : false),
}, () => {
  const driver = `
import os, pty, sys, time, select, json, re
args, keys_file = json.loads(sys.argv[1]), sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execve(args[0], args, dict(os.environ))
out = b""
def pump(until, t):
    global out
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            out += chunk
            if until and until in out:
                return True
    return True
pump(b"press Enter", 60)
m = re.search(rb"echo '(.*?)' >> \\.ssh/authorized_keys", out)
if m:
    with open(keys_file, "ab") as f:
        f.write(m.group(1).replace(b'\\\\"', b'"') + b"\\n")
os.write(fd, b"\\r")
while pump(None, 1):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({"out": out.decode("utf8", "replace"), "code": os.waitstatus_to_exitcode(status)}))
`;
  const args = [
    process.execPath,
    CLI,
    "host",
    "add",
    "dave",
    "--ssh",
    `${sshd.user}@127.0.0.1:${sshd.port}`,
    "--host-key-fingerprint",
    sshd.hostKeyFingerprint(),
    "--remote-sigrun",
    sshd.sigrunWrapper,
    "--remote-state",
    join(dir, "host-state"),
    "--remote-trust",
    join(dir, "trusted"),
  ];
  const r = spawnSync("python3", ["-c", driver, JSON.stringify(args), sshd.authorizedKeys], {
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const { out, code } = JSON.parse(r.stdout) as { out: string; code: number };
  assert.equal(code, 0, out);
  assert.match(out, /ssh -p \d+ \S+@127\.0\.0\.1 "umask 077 && mkdir -p \.ssh && echo 'restrict,command=/);
  assert.match(out, /dave ready — receipt key sha256:[0-9a-f]{64}, job key age1/);
  const show = JSON.parse(sigrun(["host", "show", "dave", "--json"]).stdout);
  assert.equal(show.status, "ready");
  assert.equal(show.sshHostKey, sshd.hostKeyFingerprint());
});
