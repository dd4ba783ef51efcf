import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cli, hasTool, tempDir } from "../../test/kit/bundle-fixtures.js";

/** The CLI conventions of issue 16 that every verb inherits from src/cli/base.ts and io.ts. */
const MAIN = new URL("./main.js", import.meta.url).pathname;
let t: { dir: string; cleanup: () => void };
const d = (f: string) => join(t.dir, f);
const run = (args: string[], input?: string) => cli(args, { cwd: t.dir, ...(input ? { input } : {}) });
/** A tool the test needs: missing is a failure under CI, a skip elsewhere. */
const need = (tool: string) => (hasTool(tool) || process.env.CI ? undefined : `${tool} not installed`);

before(() => {
  t = tempDir("sigrun-conv-");
  assert.equal(run(["keygen", "-o", "k", "--no-passphrase"]).code, 0);
  writeFileSync(d("a.txt"), "hello\n");
});
after(() => t.cleanup());

test("bare sigrun: help on stdout, exit 2; --help exits 0; a verb group without its verb exits 2", () => {
  const bare = run([]);
  assert.equal(bare.code, 2);
  assert.match(bare.stdout, /^Usage: sigrun /);
  assert.equal(run(["--help"]).code, 0);
  assert.equal(run(["bundle"]).code, 2);
});

test("usage errors: one line plus a pointer to the verb's help, exit 2, no help dump", () => {
  for (const [args, verb] of [
    [["sign-file", "a.txt"], "sign-file"],
    [["bundle", "sign", "x.sgb", "--key", "k.key", "--bogus"], "bundle sign"],
    [["nosuchverb"], ""],
    [["sign", "a.txt"], "sign"],
  ] as const) {
    const r = run([...args]);
    assert.equal(r.code, 2, args.join(" "));
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0]!, /^sigrun: USAGE: /);
    assert.equal(lines[1], `see \`sigrun ${verb ? `${verb} ` : ""}--help\``);
  }
});

test("--json: failures are a JSON object on stdout, for usage and runtime errors alike", () => {
  for (const args of [
    ["verify-file", "a.txt", "--json"],
    ["verify-file", "a.txt", "--sig", "nope.sig", "--pub", "k.pub", "--json"],
    ["key", "id", "missing.key", "--json"],
    ["verify", "missing.sgb", "--trust", "k.pub", "--json"],
  ]) {
    const r = run(args);
    assert.notEqual(r.code, 0);
    const j = JSON.parse(r.stdout);
    assert.equal(j.version, 1);
    assert.equal(j.ok, false);
    assert.match(j.code, /^[A-Z_]+$/);
    assert.equal(typeof j.message, "string");
  }
});

test("a bad URL is a USAGE error naming the expected form, never a stack trace", () => {
  const r = run(["submit", "a.txt", "--to", "127.0.0.1:1"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--to: expected http:\/\/host:port or https:\/\/host:port/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("closing stdout early: quiet exit 0, no temporary directory left", () => {
  // a private TMPDIR: other tests run the demo at the same time
  const tmp = tempDir("sigrun-epipe-");
  try {
    const env = { ...process.env, TMPDIR: tmp.dir };
    const r = spawnSync(
      "bash",
      ["-c", `"${process.execPath}" "${MAIN}" demo | head -3 >/dev/null; echo "\${PIPESTATUS[0]}"`],
      {
        encoding: "utf8",
        env,
        timeout: 120_000,
      },
    );
    assert.equal(r.stderr, "", "nothing on stderr (no EPIPE trace)");
    assert.ok(["0", "141"].includes(r.stdout.trim()), `exit status ${r.stdout}`);
    assert.deepEqual(readdirSync(tmp.dir), [], "no temporary directory left");
  } finally {
    tmp.cleanup();
  }
});

test("closing stdout early on seal/unseal -o -: quiet exit, no IO_ERROR line", () => {
  const tmp = tempDir("sigrun-epipe-seal-");
  try {
    writeFileSync(join(tmp.dir, "big"), Buffer.alloc(8 * 1024 * 1024, 1));
    const kg = run(["keygen", "--type", "x25519", "-o", join(tmp.dir, "x"), "--no-passphrase"]);
    assert.equal(kg.code, 0, kg.stderr);
    const sealCmd = `"${process.execPath}" "${MAIN}" seal "${join(tmp.dir, "big")}" -r "${join(tmp.dir, "x.pub")}" -q`;
    const r = spawnSync("bash", ["-c", `${sealCmd} -o - | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(r.stderr, "", "nothing on stderr");
    assert.ok(["0", "141"].includes(r.stdout.trim()), `exit status ${r.stdout}`);
    const u = spawnSync(
      "bash",
      [
        "-c",
        `${sealCmd} -o "${join(tmp.dir, "big.age")}" && "${process.execPath}" "${MAIN}" unseal "${join(tmp.dir, "big.age")}" -i "${join(tmp.dir, "x.key")}" -q -o - | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`,
      ],
      { encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(u.stderr, "", "nothing on stderr");
    assert.ok(["0", "141"].includes(u.stdout.trim()), `exit status ${u.stdout}`);
  } finally {
    tmp.cleanup();
  }
});

test("'-' is stdin/stdout: sign-file - -o -, verify-file -, bundle inspect -", () => {
  const sig = spawnSync(process.execPath, [MAIN, "sign-file", "-", "--key", "k.key", "-o", "-", "-q"], {
    cwd: t.dir,
    input: "hello\n",
  });
  assert.equal(sig.status, 0, String(sig.stderr));
  writeFileSync(d("stdin.sig"), sig.stdout);
  assert.equal(run(["verify-file", "-", "--sig", "stdin.sig", "--pub", "k.pub"], "hello\n").code, 0);
  assert.notEqual(run(["verify-file", "-", "--sig", "stdin.sig", "--pub", "k.pub"], "other\n").code, 0);
});

test("local signing prints one line saying what was written; -q is quiet; sign -o DIR creates DIR", () => {
  const r = run(["sign", "a.txt", "--key", "k.key", "-o", "sigs/nested"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(d("sigs/nested/a.txt.sig")));
  assert.equal(r.stderr.trimEnd().split("\n").length, 1);
  assert.match(r.stderr, /sigs\/nested\/a\.txt\.sig/);
  const q = run(["sign-file", "a.txt", "--key", "k.key", "-o", "q.sig", "-q"]);
  assert.equal(q.code, 0);
  assert.equal(q.stderr + q.stdout, "");
  const one = run(["sign-file", "a.txt", "--key", "k.key", "-o", "one.sig"]);
  assert.match(one.stderr, /^wrote one\.sig .*\n$/);
});

test("run: -o is the output format only in Rex mode", () => {
  const r = run(["run", "x.sgb", "--trust", "k.pub", "-o", "json"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /use --output-format/);
});

test("key id: sigrun key id, OpenSSH fingerprint as ssh-keygen -l prints it, OpenPGP fingerprint as gpg", {
  skip: need("ssh-keygen") ?? need("gpg"),
}, () => {
  for (const type of ["ed25519", "p256", "rsa3072"]) {
    assert.equal(run(["keygen", "--type", type, "-o", `id-${type}`, "--no-passphrase"]).code, 0);
    const id = JSON.parse(run(["key", "id", `id-${type}.key`, "--json"]).stdout);
    assert.match(id.keyId, /^sha256:[0-9a-f]{64}$/);
    const line = run(["key", "export", `id-${type}.pub`, "--format", "openssh"]).stdout;
    writeFileSync(d(`id-${type}.ssh.pub`), line);
    const ssh = spawnSync("ssh-keygen", ["-l", "-f", d(`id-${type}.ssh.pub`)], { encoding: "utf8" });
    assert.equal(ssh.status, 0, ssh.stderr);
    assert.equal(ssh.stdout.split(" ")[1], id.openssh);
    const asc = run(["key", "export", `id-${type}.key`, "--format", "openpgp"]).stdout;
    writeFileSync(d(`id-${type}.asc`), asc);
    const home = tempDir("sigrun-gpg-");
    try {
      const g = spawnSync(
        "gpg",
        [
          "--homedir",
          home.dir,
          "--with-colons",
          "--import-options",
          "show-only",
          "--import",
          d(`id-${type}.asc`),
        ],
        { encoding: "utf8" },
      );
      const fpr = g.stdout
        .split("\n")
        .find((l) => l.startsWith("fpr:"))
        ?.split(":")[9];
      assert.equal(fpr, id.openpgp);
      assert.equal(JSON.parse(run(["key", "id", `id-${type}.asc`, "--json"]).stdout).openpgp, fpr);
    } finally {
      home.cleanup();
    }
    const text = run(["key", "id", `id-${type}.pub`]).stdout;
    assert.ok(text.includes(id.keyId) && text.includes(id.openssh) && text.includes(id.openpgp));
  }
});

/** Runs the CLI on a pseudo-terminal (python3's pty module), typing `answers` at each prompt. */
function onPty(args: string[], answers: string[]): { out: string; code: number } {
  const script = `
import os, pty, sys, time, select, json
args, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.chdir(${JSON.stringify(t.dir)})
    os.execv(args[0], args)
out = b""
def pump(t):
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
            if out.rstrip().endswith(b":"):
                return True
    return True
for a in answers:
    pump(10)
    os.write(fd, a.encode() + b"\\r")
    out += b"<typed>"
while pump(1):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({"out": out.decode("utf8", "replace"), "code": os.waitstatus_to_exitcode(status)}))
`;
  const r = spawnSync(
    "python3",
    ["-c", script, JSON.stringify([process.execPath, MAIN, ...args]), JSON.stringify(answers)],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("passphrases on a terminal: keygen asks twice without echo; an encrypted key is asked for", {
  skip: need("python3"),
}, () => {
  const k = onPty(["keygen", "-o", "tty"], ["pass phrase 1", "pass phrase 1"]);
  assert.equal(k.code, 0, k.out);
  assert.match(k.out, /passphrase for tty\.key \(empty for none\):/);
  assert.ok(!k.out.includes("pass phrase 1"), "the passphrase is not echoed");
  assert.match(readFileSync(d("tty.key"), "utf8"), /ENCRYPTED PRIVATE KEY/);
  const s = onPty(["sign-file", "a.txt", "--key", "tty.key", "-o", "tty.sig"], ["pass phrase 1"]);
  assert.equal(s.code, 0, s.out);
  assert.match(s.out, /passphrase for tty\.key:/);
  assert.ok(!s.out.includes("pass phrase 1"));
  assert.equal(run(["verify-file", "a.txt", "--sig", "tty.sig", "--pub", "tty.pub"]).code, 0);
  const empty = onPty(["keygen", "-o", "plain"], [""]);
  assert.equal(empty.code, 0, empty.out);
  assert.match(empty.out, /no passphrase: plain\.key is stored unencrypted/);
  // without a terminal an encrypted key is the usual coded error, never a hang
  assert.equal(run(["sign-file", "a.txt", "--key", "tty.key", "-o", "x.sig"]).code, 23);
});
