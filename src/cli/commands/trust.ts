import type { Command } from "commander";
import { printJson, readInput, writeOutput } from "../io.js";

export function register(program: Command): void {
  const trust = program
    .command("trust")
    .description("edit an agent's trust directory: add a signer key, revoke one, list them");

  trust
    .command("add <dir> <keyfile>")
    .description(
      "copy a public key (SPKI PEM, X.509 certificate, OpenSSH) into DIR as <name>.<pem|crt|pub>; with a " +
        "`purposes` file in DIR, --purpose is required",
    )
    .option("--name <name>", "file name without extension (default: key-<first 12 hex of the key id>)")
    .option("--purpose <list>", "what the key may sign: bundle,file,receipt,attestation (writes `purposes`)")
    .option("--json", "print {file, keyId, purposes} as JSON")
    .action(async (dir: string, keyfile: string, o: { name?: string; purpose?: string; json?: boolean }) => {
      const { existsSync, mkdirSync, readdirSync, readFileSync } = await import("node:fs");
      const { extname, join } = await import("node:path");
      const { SigrunError } = await import("../../core/index.js");
      const { parsePublicKey } = await import("../../keys/index.js");
      const { loadTrustStore, parsePurposeList, purposesWith } = await import("../../bundle/index.js");
      const bytes = readInput(keyfile, "public key");
      const info = parsePublicKey(bytes, keyfile);
      const ext = [".pem", ".crt", ".pub"].includes(extname(keyfile)) ? extname(keyfile) : ".pem";
      const name = o.name ?? `key-${info.keyId.slice(7, 19)}`;
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
        throw new SigrunError("USAGE", `--name: bad name ${name}`);
      const file = `${name}${ext}`;
      const purposesPath = join(dir, "purposes");
      const hasPurposes = existsSync(purposesPath);
      if (hasPurposes && o.purpose === undefined)
        throw new SigrunError(
          "USAGE",
          `${purposesPath} exists: a key it does not list is trusted for nothing; give --purpose`,
        );
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      if (readdirSync(dir).some((n) => /\.(pem|pub|crt)$/.test(n))) {
        const current = loadTrustStore([dir]);
        if (current.keys.has(info.keyId))
          throw new SigrunError("USAGE", `${dir}: ${info.keyId} is already trusted`);
      }
      const purposes = o.purpose === undefined ? undefined : parsePurposeList(o.purpose);
      // the key first, then its purposes line: a crash between leaves a key trusted for nothing
      writeOutput(join(dir, file), bytes, { overwrite: false });
      if (purposes !== undefined) {
        const existing = hasPurposes ? readFileSync(purposesPath, "utf8") : "";
        writeOutput(purposesPath, purposesWith(existing, file, purposes), { overwrite: true });
      }
      if (o.json) printJson({ file: join(dir, file), keyId: info.keyId, purposes: purposes ?? null });
      else process.stdout.write(`${info.keyId} ${join(dir, file)}\n`);
    });

  trust
    .command("revoke <dir> <key>")
    .description(
      "add a key id (sha256:…, or a key file whose id is computed) to DIR/revoked, atomically; the key file " +
        "stays so its signatures are reported as SIGNER_REVOKED",
    )
    .option("--json", "print {keyId, added} as JSON")
    .action(async (dir: string, key: string, o: { json?: boolean }) => {
      const { existsSync, readFileSync } = await import("node:fs");
      const { join } = await import("node:path");
      const { revokedWith } = await import("../../bundle/index.js");
      let keyId = key;
      if (!key.startsWith("sha256:")) {
        const { parsePublicKey } = await import("../../keys/index.js");
        keyId = parsePublicKey(readInput(key, "public key"), key).keyId;
      }
      const path = join(dir, "revoked");
      const existing = existsSync(path) ? readFileSync(path, "utf8") : "";
      const r = revokedWith(existing, keyId, new Date());
      if (r.added) writeOutput(path, r.text, { overwrite: true });
      if (o.json) printJson({ keyId, added: r.added });
      else process.stdout.write(`${keyId} ${r.added ? "revoked" : "was already revoked"}\n`);
    });

  trust
    .command("list <dir>")
    .description(
      "the keys of a trust directory: key id, algorithm, file, revoked, purposes; and the threshold",
    )
    .option("--json", "print {threshold, keys: [...]} as JSON")
    .action(async (dir: string, o: { json?: boolean }) => {
      const { readdirSync, readFileSync, statSync } = await import("node:fs");
      const { join } = await import("node:path");
      const { loadTrustStore } = await import("../../bundle/index.js");
      const { parsePublicKey } = await import("../../keys/index.js");
      const store = loadTrustStore([dir]);
      const files = new Map<string, string>();
      for (const n of readdirSync(dir).sort()) {
        const p = join(dir, n);
        if (/\.(pem|pub|crt)$/.test(n) && statSync(p).isFile())
          files.set(parsePublicKey(readFileSync(p), p).keyId, n);
      }
      const keys = [...store.keys.values()].map((k) => ({
        keyId: k.keyId,
        algorithm: k.algorithm,
        file: files.get(k.keyId) ?? null,
        revoked: store.revoked.has(k.keyId),
        purposes: store.purposes === undefined ? "all" : [...(store.purposes.get(k.keyId) ?? [])],
      }));
      if (o.json) return printJson({ threshold: store.threshold, keys });
      for (const k of keys)
        process.stdout.write(
          `${k.keyId}  ${k.algorithm.padEnd(8)} ${(k.file ?? "-").padEnd(24)} ${k.revoked ? "REVOKED" : "trusted"}  ${
            Array.isArray(k.purposes) ? k.purposes.join(",") || "(none)" : "all purposes"
          }\n`,
        );
      process.stdout.write(`threshold: ${store.threshold}\n`);
    });
}
