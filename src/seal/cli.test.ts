import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli } from "../../test/kit/bundle-fixtures.js";
import { EXIT_CODES } from "../cli/exit-codes.js";
import { generateX25519KeyPair } from "./index.js";

let dir: string;
const p = (n: string) => join(dir, n);
before(() => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-seal-cli-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("sigrun seal / unseal", () => {
  const kp = generateX25519KeyPair();
  it("round trip with --json reports, and coded failures leave no output", () => {
    writeFileSync(p("id.txt"), `${kp.identity}\n`);
    writeFileSync(p("in.bin"), Buffer.alloc(200_000, 7));
    const s = cli(["seal", "in.bin", "-r", kp.recipient, "-o", "in.age", "--json"], { cwd: dir });
    assert.equal(s.code, 0, s.stderr);
    const rep = JSON.parse(s.stdout) as { bytesIn: number; recipients: string[] };
    assert.equal(rep.bytesIn, 200_000);
    assert.deepEqual(rep.recipients, [kp.recipient]);
    const u = cli(["unseal", "in.age", "-i", "id.txt", "-o", "out.bin", "--json"], { cwd: dir });
    assert.equal(u.code, 0, u.stderr);
    assert.deepEqual(readFileSync(p("out.bin")), readFileSync(p("in.bin")));

    const ct = readFileSync(p("in.age"));
    ct[ct.byteLength - 100]! ^= 0x40;
    writeFileSync(p("bad.age"), ct);
    const before = readdirSync(dir).sort();
    const bad = cli(["unseal", "bad.age", "-i", "id.txt", "-o", "bad.out"], { cwd: dir });
    assert.equal(bad.code, EXIT_CODES.SEAL_PAYLOAD_INVALID);
    assert.match(bad.stderr, /SEAL_PAYLOAD_INVALID/);
    assert.equal(existsSync(p("bad.out")), false);
    assert.deepEqual(readdirSync(dir).sort(), before);

    writeFileSync(p("other.txt"), `${generateX25519KeyPair().identity}\n`);
    const other = cli(["unseal", "in.age", "-i", "other.txt", "-o", "o2"], { cwd: dir });
    assert.equal(other.code, EXIT_CODES.SEAL_NO_IDENTITY);
  });

  it("passphrase sealing reads the secret from the environment, never argv", () => {
    const env = { ...process.env, SEAL_PW: "hunter2 hunter2" };
    const s = cli(["seal", "in.bin", "--passphrase-env", "SEAL_PW", "--work-factor", "10", "-o", "pw.age"], {
      cwd: dir,
      env,
    });
    assert.equal(s.code, 0, s.stderr);
    const u = cli(["unseal", "pw.age", "--passphrase-env", "SEAL_PW", "-o", "pw.out"], { cwd: dir, env });
    assert.equal(u.code, 0, u.stderr);
    assert.deepEqual(readFileSync(p("pw.out")), readFileSync(p("in.bin")));
  });

  it("usage errors", () => {
    assert.equal(cli(["seal", "in.bin", "-o", "x.age"], { cwd: dir }).code, 2);
    assert.equal(cli(["unseal", "in.age", "-o", "x"], { cwd: dir }).code, 2);
    assert.equal(
      cli(["seal", "in.bin", "-r", "age1notakey", "-o", "y.age"], { cwd: dir }).code,
      EXIT_CODES.KEY_INVALID,
    );
    // an existing output is kept (unlike `age -o`, which overwrites it); the message names --force
    writeFileSync(p("keep.txt"), "keep\n");
    for (const args of [
      ["seal", "in.bin", "-r", kp.recipient, "-o", "keep.txt"],
      ["unseal", "in.age", "-i", "id.txt", "-o", "keep.txt"],
    ]) {
      const r = cli(args, { cwd: dir });
      assert.equal(r.code, EXIT_CODES.IO_ERROR, r.stderr);
      assert.match(r.stderr, /keep\.txt: exists \(--force overwrites it\)/);
      assert.equal(readFileSync(p("keep.txt"), "utf8"), "keep\n");
    }
    assert.equal(
      cli(["seal", "in.bin", "-r", kp.recipient, "-o", "keep.txt", "--force"], { cwd: dir }).code,
      0,
    );
    assert.equal(cli(["seal", "--help"]).code, 0);
    assert.equal(cli(["unseal", "--help"]).code, 0);
  });
});
