import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cli, tempDir } from "../../test/kit/bundle-fixtures.js";

/**
 * `-` means stdin/stdout wherever a file is read or written (issue 16), and only there: stdin can be read
 * once per command, and an output that is several files (a directory, a key pair) is never a directory
 * literally named `-`.
 */
let t: { dir: string; cleanup: () => void };
const d = (f: string) => join(t.dir, f);
const run = (args: string[], input?: string) => cli(args, { cwd: t.dir, ...(input ? { input } : {}) });

function usage(r: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^sigrun: USAGE: /);
  assert.match(r.stderr, pattern);
}

before(() => {
  t = tempDir("sigrun-dash-");
  assert.equal(run(["keygen", "-o", "k", "--no-passphrase"]).code, 0);
  assert.equal(run(["keygen", "-o", "x", "--type", "x25519", "--no-passphrase"]).code, 0);
  writeFileSync(d("a.txt"), "hello\n");
  writeFileSync(d("b.txt"), "world\n");
});
after(() => t.cleanup());

test("two inputs naming `-` are a usage error naming both, not a misleading verification failure", () => {
  const sig = run(["sign-file", "a.txt", "--key", "k.key", "-o", "-", "-q"]);
  assert.equal(sig.code, 0, sig.stderr);
  usage(
    run(["verify-file", "-", "--sig", "-", "--pub", "k.pub"], "hello\n"),
    /file and signature both name `-`/,
  );
  usage(run(["verify-file", "a.txt", "--sig", "-", "--pub", "-"], sig.stdout), /signature and public key/);
  usage(run(["seal", "-", "-R", "-"], "x\n"), /the input and recipients file both name `-`/);
  usage(run(["unseal", "-", "-i", "-"], "x\n"), /the input and identity file both name `-`/);
  usage(run(["run", "-s", "-", "-p", "-"], "1\n"), /--script-file and --policy-file both name `-`/);
});

test("run -s - reads the script from stdin", () => {
  writeFileSync(d("p.cedar"), "permit(principal, action, resource);\n");
  const r = run(["run", "-s", "-", "-p", "p.cedar"], "let x = 40 + 2;\nx\n");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, "SUCCESS");
  assert.equal(out.output, "42");
});

test("-o - where a verb writes several files: a usage error, and no directory named `-`", () => {
  const cases: [string[], RegExp][] = [
    [["sign", "a.txt", "b.txt", "--key", "k.key", "-o", "-"], /-o -: stdout takes one signature/],
    [["keygen", "-o", "-", "--no-passphrase"], /-o -: .*give a name/],
    [["build-key", "new", "--build", "B1", "--approver-key", "k.key", "-o", "-"], /-o -: .*give a directory/],
    [["bundle", "extract", "job.sgb", "-o", "-", "--unverified"], /-o -: .*give a directory/],
    [
      ["attest", "a.txt", "--build-key-file", "build.key", "--gpg-sigs", "-", "-o", "att.json"],
      /--gpg-sigs -: .*give a directory/,
    ],
    [
      [
        "countersign",
        "a.txt",
        "--attestations",
        "att.json",
        "--approval",
        "approval.json",
        "--approver-pub",
        "k.pub",
        "--key",
        "k.key",
        "--format",
        "raw",
        "-o",
        "-",
      ],
      /-o -: .*give a directory/,
    ],
    [["sign", "--remote", "a.txt", "--relay", "ws://127.0.0.1:1", "-o", "-"], /-o -: .*give a directory/],
  ];
  for (const [args, pattern] of cases) {
    usage(run(args), pattern);
    assert.equal(existsSync(d("-")), false, `${args.join(" ")} created ./-`);
    assert.equal(existsSync(d("-.key")), false, `${args.join(" ")} created ./-.key`);
  }
});

test("sign - -o - signs stdin to stdout; sign - alone is a usage error (no `-.sig` file)", () => {
  const r = run(["sign", "-", "--key", "k.key", "--format", "ssh", "-o", "-"], "hello\n");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote the signature to stdout/);
  assert.match(r.stdout, /^-----BEGIN SSH SIGNATURE-----/);
  writeFileSync(d("stdin.sig"), r.stdout);
  const v = run(["verify-file", "a.txt", "--sig", "stdin.sig", "--pub", "k.pub"]);
  assert.equal(v.code, 0, v.stderr);
  usage(run(["sign", "-", "--key", "k.key"], "hello\n"), /give -o - for the signature on stdout/);
  assert.equal(existsSync(d("-.sig")), false);
  usage(run(["sign", "--remote", "-", "--relay", "ws://127.0.0.1:1"], "x"), /stdin has none/);
});

test("attest and countersign record artifacts by file name: `-` is a usage error", () => {
  usage(run(["attest", "-", "--build-key-file", "build.key"], "x"), /attest -: .*stdin has none/);
  usage(
    run(
      [
        "countersign",
        "-",
        "--attestations",
        "att.json",
        "--approval",
        "approval.json",
        "--approver-pub",
        "k.pub",
        "--verify",
        "--pub",
        "k.pub",
      ],
      "x",
    ),
    /countersign -: .*stdin has none/,
  );
});

test("--trust: missing is a usage error (not an empty trust store); `--trust -` reads one key from stdin", () => {
  writeFileSync(d("s.rhai"), "1\n");
  writeFileSync(d("p.cedar"), "permit(principal, action, resource);\n");
  assert.equal(run(["bundle", "create", "-s", "s.rhai", "-p", "p.cedar", "-o", "job.sgb"]).code, 0);
  assert.equal(run(["bundle", "sign", "job.sgb", "--key", "k.key", "-q"]).code, 0);
  const env = { ...process.env, XDG_CONFIG_HOME: d("no-config") };
  for (const args of [
    ["verify", "job.sgb", "--any-host"],
    ["run", "job.sgb", "--any-host"],
  ]) {
    const r = cli(args, { cwd: t.dir, env });
    usage(r, /give --trust DIR\|FILE/);
  }
  const pub = readFileSync(d("k.pub"), "utf8");
  const ok = cli(["verify", "job.sgb", "--trust", "-", "--any-host"], { cwd: t.dir, env, input: pub });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^OK: bundle /);
  const twice = cli(["verify", "-", "--trust", "-", "--any-host"], { cwd: t.dir, env, input: pub });
  usage(twice, /--trust and bundle both name `-`/);
});

test("bundle sign: the one line names what was written, stdout included (not `signed -`)", () => {
  writeFileSync(d("s2.rhai"), "2\n");
  writeFileSync(d("p2.cedar"), "permit(principal, action, resource);\n");
  assert.equal(run(["bundle", "create", "-s", "s2.rhai", "-p", "p2.cedar", "-o", "u.sgb"]).code, 0);
  const toFile = run(["bundle", "sign", "u.sgb", "--key", "k.key", "-o", "s.sgb"]);
  assert.equal(toFile.code, 0, toFile.stderr);
  assert.match(toFile.stderr, /^wrote s\.sgb \(signed by sha256:[0-9a-f]{64}, [0-9a-f]{16}\)\n$/);
  const toStdout = cli(["bundle", "sign", "-", "--key", "k.key"], {
    cwd: t.dir,
    input: readFileSync(d("u.sgb")),
  });
  assert.equal(toStdout.code, 0, toStdout.stderr);
  assert.match(toStdout.stderr, /^wrote the signed bundle to stdout \(signed by sha256:/);
});

test("audit verify - and audit show - read a JSON-lines export from stdin; an SQLite log on stdin is USAGE", () => {
  const made = run([
    "build-key",
    "new",
    "--build",
    "T1",
    "--approver-key",
    "k.key",
    "-o",
    "bk",
    "--audit",
    "a.db",
  ]);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(run(["audit", "export", "a.db", "--jsonl", "-o", "a.jsonl"]).code, 0);
  const jsonl = readFileSync(d("a.jsonl"), "utf8");
  const v = run(["audit", "verify", "-", "--host-pub", "k.pub", "--json"], jsonl);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(JSON.parse(v.stdout).entries, jsonl.trimEnd().split("\n").length);
  const s = run(["audit", "show", "-", "--type", "build-approval"], jsonl);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /^1\t\S+\tbuild-approval\t.*build=T1/);
  const db = cli(["audit", "verify", "-"], { cwd: t.dir, input: readFileSync(d("a.db")) });
  usage(db, /an SQLite database cannot be read from stdin/);
});

test("--key -: a signing key is not read from stdin: a usage error saying so (was `key -: ENOENT`)", () => {
  const key = readFileSync(d("k.key"), "utf8");
  usage(
    run(["sign-file", "a.txt", "--key", "-", "-o", "x.sig"], key),
    /key -: a signing key is not read from stdin/,
  );
  usage(
    run(["build-key", "new", "--build", "K1", "--approver-key", "-", "-o", "k1", "--audit", "k1.db"], key),
    /key -: a signing key is not read from stdin/,
  );
});
