import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { isSigrunError } from "../core/index.js";
import { openSshPublicKeyLine, privateKeyPem, publicKeyPem } from "../keys/index.js";
import {
  CHUNK_SIZE,
  generateX25519KeyPair,
  identityFromKey,
  parseIdentityFile,
  parseRecipient,
  parseRecipientsFile,
  recipientFromKey,
  scryptIdentity,
  scryptRecipient,
  seal,
  sealBytes,
  unseal,
  unsealBytes,
} from "./index.js";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "sigrun-seal-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const code = (err: unknown): string => (isSigrunError(err) ? err.code : `not coded: ${String(err)}`);

describe("seal round trips", () => {
  const kp = generateX25519KeyPair();
  const r = [parseRecipient(kp.recipient)];
  const ids = parseIdentityFile(Buffer.from(`# test\n${kp.identity}\n`));
  for (const size of [
    0,
    1,
    CHUNK_SIZE - 1,
    CHUNK_SIZE,
    CHUNK_SIZE + 1,
    2 * CHUNK_SIZE,
    3 * CHUNK_SIZE + 17,
  ]) {
    it(`${size} bytes, binary and armored, bytes and files`, async () => {
      const pt = randomBytes(size);
      for (const armor of [false, true]) {
        const ct = await sealBytes(pt, r, { armor });
        assert.deepEqual(Buffer.from(await unsealBytes(ct, ids)), pt);
        const inPath = join(dir, `in-${size}`);
        writeFileSync(inPath, pt);
        const out = join(dir, `ct-${size}-${armor}`);
        const res = await seal(inPath, out, r, { armor });
        assert.equal(res.bytesIn, size);
        const back = join(dir, `pt-${size}-${armor}`);
        await unseal(out, back, ids);
        assert.deepEqual(readFileSync(back), pt);
      }
    });
  }

  it("generated key pairs round-trip their encodings", () => {
    const k = generateX25519KeyPair();
    assert.match(k.recipient, /^age1[0-9a-z]{58}$/);
    assert.match(k.identity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    assert.equal(parseIdentityFile(Buffer.from(k.identity)).length, 1);
  });

  it("sigrun X25519 PEM keys and ssh-ed25519 keys work as recipients and identities", async () => {
    const x = generateKeyPairSync("x25519");
    const e = generateKeyPairSync("ed25519");
    const recips = parseRecipientsFile(
      Buffer.from(
        `${publicKeyPem(x.publicKey)}\n# ssh\n${openSshPublicKeyLine(e.publicKey, "me@host")}\n${kp.recipient}\n`,
      ),
    );
    assert.equal(recips.length, 3);
    const ct = await sealBytes(Buffer.from("hello"), recips);
    for (const id of [
      parseIdentityFile(Buffer.from(privateKeyPem(x.privateKey))),
      [identityFromKey(e.privateKey)],
      ids,
    ]) {
      assert.equal(Buffer.from(await unsealBytes(ct, id)).toString(), "hello");
    }
    assert.ok(recipientFromKey(x.privateKey).label.startsWith("age1"));
  });

  it("passphrase (scrypt) recipients", async () => {
    const ct = await sealBytes(Buffer.from("pw"), [scryptRecipient("correct horse", 10)]);
    assert.equal(Buffer.from(await unsealBytes(ct, [scryptIdentity("correct horse")])).toString(), "pw");
    await assert.rejects(unsealBytes(ct, [scryptIdentity("wrong")]), (e) => code(e) === "SEAL_NO_IDENTITY");
    await assert.rejects(
      sealBytes(Buffer.from("x"), [scryptRecipient("a", 10), ...r]),
      (e) => code(e) === "USAGE",
    );
  });

  it("a wrong key is SEAL_NO_IDENTITY", async () => {
    const ct = await sealBytes(Buffer.from("x"), r);
    const other = parseIdentityFile(Buffer.from(generateX25519KeyPair().identity));
    await assert.rejects(unsealBytes(ct, other), (e) => code(e) === "SEAL_NO_IDENTITY");
  });

  it("a failed unseal to a path leaves no file and no temporary", async () => {
    const ct = Buffer.from(await sealBytes(randomBytes(3 * CHUNK_SIZE), r));
    ct[ct.byteLength - 5]! ^= 1;
    const sub = mkdtempSync(join(dir, "fail-"));
    writeFileSync(join(sub, "ct.age"), ct);
    await assert.rejects(
      unseal(join(sub, "ct.age"), join(sub, "out"), ids),
      (e) => code(e) === "SEAL_PAYLOAD_INVALID",
    );
    assert.equal(existsSync(join(sub, "out")), false);
    assert.deepEqual(readdirSync(sub), ["ct.age"]);
  });

  it("a stream input sealed to a path keeps every byte (data flowing before the output file opened)", async () => {
    // Readable.from starts emitting on the next tick; opening the output file takes longer. The
    // regression: chunks that arrived before the pipeline existed were dropped, and the file sealed a
    // silently truncated (here: empty) plaintext.
    const pt = randomBytes(CHUNK_SIZE + 4321);
    for (const [input, output, back] of [
      [Readable.from([pt.subarray(0, 1000), pt.subarray(1000)]), join(dir, "from-stream.age"), ""],
      [Readable.from([Buffer.from(await sealBytes(pt, r))]), join(dir, "from-stream.out"), "x"],
    ] as const) {
      if (back === "") await seal(input, output, r);
      else await unseal(input, output, ids);
    }
    assert.deepEqual(Buffer.from(await unsealBytes(readFileSync(join(dir, "from-stream.age")), ids)), pt);
    assert.deepEqual(readFileSync(join(dir, "from-stream.out")), pt);
  });

  it("refuses to overwrite an existing output unless asked", async () => {
    const out = join(dir, "exists");
    writeFileSync(out, "old");
    await assert.rejects(seal(join(dir, "in-1"), out, r), (e) => code(e) === "IO_ERROR");
    assert.equal(readFileSync(out, "utf8"), "old");
    await seal(join(dir, "in-1"), out, r, { overwrite: true });
    assert.notEqual(readFileSync(out, "utf8"), "old");
  });
});
