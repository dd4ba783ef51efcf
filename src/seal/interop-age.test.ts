import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli } from "../../test/kit/bundle-fixtures.js";

/** Interop with the real `age` CLI (Debian age), both directions, through `sigrun seal`/`unseal`. */
const need = (bin: string, arg = "--version"): string | undefined => {
  if (!spawnSync(bin, [arg]).error) return undefined;
  if (process.env.CI) throw new Error(`${bin} is required in CI`);
  return `${bin} not installed`;
};
const skip = need("age") ?? need("ssh-keygen", "-?");

let dir: string;
const p = (name: string) => join(dir, name);
function run(cmd: string, args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(cmd, args, { cwd: dir, input, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr?.toString()}`);
  return r.stdout;
}
function sigrun(args: string[], input?: Uint8Array): { code: number; stdout: string; stderr: string } {
  return cli(args, { cwd: dir, input });
}

const SIZES = [0, 1000, 64 * 1024, 1024 * 1024 + 5];
let ageRecipient: string;

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "sigrun-age-interop-"));
  run("age-keygen", ["-o", "age.key"]);
  ageRecipient = run("age-keygen", ["-y", "age.key"]).toString().trim();
  run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "interop", "-f", "ssh"]);
  assert.equal(sigrun(["keygen", "--type", "x25519", "-o", "sig"]).code, 0);
  for (const n of SIZES) writeFileSync(p(`pt-${n}`), randomBytes(n));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

describe("interop with the age CLI", { skip }, () => {
  for (const n of SIZES) {
    for (const armor of [false, true]) {
      const kind = `${n} bytes${armor ? ", armored" : ""}`;
      it(`sigrun seal → age -d (X25519, ${kind})`, () => {
        const out = `s-${n}-${armor}.age`;
        const r = sigrun(["seal", `pt-${n}`, "-r", ageRecipient, "-o", out, ...(armor ? ["--armor"] : [])]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(run("age", ["-d", "-i", "age.key", out]), readFileSync(p(`pt-${n}`)));
      });
      it(`age -r → sigrun unseal (X25519, ${kind})`, () => {
        const out = `a-${n}-${armor}.age`;
        run("age", ["-r", ageRecipient, ...(armor ? ["-a"] : []), "-o", out, `pt-${n}`]);
        const r = sigrun(["unseal", "-i", "age.key", out, "-o", `a-${n}-${armor}.out`]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(readFileSync(p(`a-${n}-${armor}.out`)), readFileSync(p(`pt-${n}`)));
      });
    }
  }

  it("ssh-ed25519 recipients both ways (binary and armored)", () => {
    const pub = readFileSync(p("ssh.pub"), "utf8").trim();
    const pt = readFileSync(p("pt-1000"));
    assert.equal(sigrun(["seal", "pt-1000", "-r", pub, "-o", "ssh1.age"]).code, 0);
    assert.deepEqual(run("age", ["-d", "-i", "ssh", "ssh1.age"]), pt);
    assert.equal(sigrun(["seal", "pt-1000", "-R", "ssh.pub", "--armor", "-o", "ssh2.age"]).code, 0);
    assert.deepEqual(run("age", ["-d", "-i", "ssh", "ssh2.age"]), pt);
    run("age", ["-R", "ssh.pub", "-o", "ssh3.age", "pt-1000"]);
    run("age", ["-R", "ssh.pub", "-a", "-o", "ssh4.age", "pt-1000"]);
    for (const f of ["ssh3.age", "ssh4.age"]) {
      const r = sigrun(["unseal", "-i", "ssh", f, "-o", `${f}.out`]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readFileSync(p(`${f}.out`)), pt);
    }
  });

  it("multi-recipient files both ways", () => {
    const pt = readFileSync(p("pt-65536"));
    // sigrun → age: an age key, an ssh key and a sigrun X25519 key in one file.
    const r = sigrun([
      "seal",
      "pt-65536",
      "-r",
      ageRecipient,
      "-R",
      "ssh.pub",
      "-r",
      "sig.pub",
      "-o",
      "m1.age",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(run("age", ["-d", "-i", "age.key", "m1.age"]), pt);
    assert.deepEqual(run("age", ["-d", "-i", "ssh", "m1.age"]), pt);
    assert.equal(sigrun(["unseal", "-i", "sig.key", "m1.age", "-o", "m1.out"]).code, 0);
    assert.deepEqual(readFileSync(p("m1.out")), pt);
    // age → sigrun: age encrypts to the sigrun key's age1 form and to the ssh key.
    const sigAge = run("node", [
      "-e",
      `import("${join(process.cwd(), "dist/src/seal/index.js")}").then(s => process.stdout.write(s.recipientFromKey(require("node:crypto").createPublicKey(require("node:fs").readFileSync("sig.pub"))).label))`,
    ])
      .toString()
      .trim();
    assert.match(sigAge, /^age1/);
    run("age", ["-r", sigAge, "-R", "ssh.pub", "-r", ageRecipient, "-o", "m2.age", "pt-65536"]);
    for (const id of ["sig.key", "ssh", "age.key"]) {
      const res = sigrun(["unseal", "-i", id, "m2.age", "-o", `m2-${id}.out`]);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(readFileSync(p(`m2-${id}.out`)), pt);
    }
  });

  it("stdin/stdout both ways, and --buffer", () => {
    const pt = readFileSync(p("pt-1000"));
    const ct = spawnSync(
      process.execPath,
      [join(process.cwd(), "dist/src/cli/main.js"), "seal", "-r", ageRecipient],
      {
        cwd: dir,
        input: pt,
      },
    );
    assert.equal(ct.status, 0, ct.stderr.toString());
    assert.deepEqual(run("age", ["-d", "-i", "age.key"], ct.stdout), pt);
    const back = spawnSync(
      process.execPath,
      [join(process.cwd(), "dist/src/cli/main.js"), "unseal", "-i", "age.key", "--buffer", "-"],
      { cwd: dir, input: run("age", ["-r", ageRecipient], pt) },
    );
    assert.equal(back.status, 0, back.stderr.toString());
    assert.deepEqual(back.stdout, pt);
  });
});
