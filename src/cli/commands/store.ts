import type { Command } from "commander";

interface ClientFlags {
  store: string;
  tokenFile?: string;
  tokenEnv?: string;
  s3Endpoint?: string;
  quiet?: boolean;
  json?: boolean;
}

function addClientOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      "--store <url>",
      "https://host:port (sigrun store serve), http://… on loopback, or s3://bucket/prefix",
    )
    .option("--token-file <file>", "bearer token of a `store serve --token-file` store")
    .option("--token-env <var>", "the same, from an environment variable")
    .option(
      "--s3-endpoint <url>",
      "S3-compatible endpoint (MinIO, Ceph RGW, R2…); default AWS_ENDPOINT_URL_S3 or AWS",
    )
    .option("-q, --quiet", "no progress bar")
    .option("--json", "print the result as JSON");
}

async function client(o: ClientFlags) {
  const { openStore } = await import("../../store/index.js");
  const { readSecret } = await import("../io.js");
  const token = readSecret({ file: o.tokenFile, env: o.tokenEnv }, "store token");
  return openStore(o.store, { token, s3Endpoint: o.s3Endpoint });
}

async function bar(o: ClientFlags, label: string) {
  const { createProgress, progressWanted } = await import("../../core/index.js");
  let p: ReturnType<typeof createProgress> | undefined;
  return {
    onProgress: (n: number, total: number) => {
      p ??= createProgress({ label, total, enabled: progressWanted(o) });
      p.update(n);
    },
    done: () => p?.done(),
  };
}

export function register(program: Command): void {
  const store = program
    .command("store")
    .description("the untrusted blob store: content-addressed, write-once, sees only ciphertext");

  store
    .command("serve")
    .description(
      "serve blobs over HTTP: PUT/GET/HEAD/DELETE /blobs/sha256:<hex>; prints `listening on URL`; stops on SIGINT/SIGTERM",
    )
    .requiredOption("--dir <dir>", "where blobs live (created, mode 0700)")
    .option("--listen <host:port>", "address to listen on (port 0 = any free port)", "127.0.0.1:8480")
    .option("--token-file <file>", "require `Authorization: Bearer <token>` with the token in this file")
    .option("--token-env <var>", "the same, from an environment variable")
    .option("--max-size <size>", "largest blob", "2GiB")
    .option("--ttl <duration>", "blobs expire this long after upload", "24h")
    .option("--max-blobs <n>", "most blobs stored at once", "100000")
    .option("--max-disk <size>", "most bytes stored at once (507 beyond)", "50GiB")
    .option("--idle-timeout <duration>", "drop a connection idle this long (stalled uploads)", "30s")
    .option("--tls-cert <file>", "PEM certificate chain: serve https://")
    .option("--tls-key <file>", "PEM private key for --tls-cert")
    .option("--quiet", "no request log on stderr")
    .option("--json", "print the start line as JSON ({url})")
    .action(
      async (o: {
        dir: string;
        listen: string;
        tokenFile?: string;
        tokenEnv?: string;
        maxSize: string;
        ttl: string;
        maxBlobs: string;
        maxDisk: string;
        idleTimeout: string;
        tlsCert?: string;
        tlsKey?: string;
        quiet?: boolean;
        json?: boolean;
      }) => {
        const { parseDuration, SigrunError } = await import("../../core/index.js");
        const { parseSize, startStoreServer } = await import("../../store/index.js");
        const { readInput, readSecret } = await import("../io.js");
        const m = /^(.*):(\d{1,5})$/.exec(o.listen);
        if (!m) throw new SigrunError("USAGE", `--listen: expected host:port, got ${o.listen}`);
        if ((o.tlsCert === undefined) !== (o.tlsKey === undefined))
          throw new SigrunError("USAGE", "--tls-cert and --tls-key go together");
        if (!/^\d{1,9}$/.test(o.maxBlobs)) throw new SigrunError("USAGE", "--max-blobs: expected an integer");
        const token = readSecret({ file: o.tokenFile, env: o.tokenEnv }, "store token");
        if (token !== undefined && token.length < 16)
          throw new SigrunError("USAGE", "store token: expected at least 16 characters");
        const running = await startStoreServer(
          {
            dir: o.dir,
            token,
            maxBlobBytes: parseSize(o.maxSize, "--max-size"),
            ttlMs: parseDuration(o.ttl, "--ttl"),
            maxBlobs: Number(o.maxBlobs),
            maxDiskBytes: parseSize(o.maxDisk, "--max-disk"),
            idleTimeoutMs: parseDuration(o.idleTimeout, "--idle-timeout"),
            ...(o.tlsCert && o.tlsKey
              ? {
                  tls: { cert: readInput(o.tlsCert, "tls certificate"), key: readInput(o.tlsKey, "tls key") },
                }
              : {}),
            ...(o.quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
          },
          { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) },
        );
        process.stdout.write(
          o.json ? `${JSON.stringify({ url: running.url })}\n` : `listening on ${running.url}\n`,
        );
        await new Promise<void>((resolve) => {
          const onSignal = () => {
            process.off("SIGTERM", onSignal);
            process.off("SIGINT", onSignal);
            running.close().then(resolve, resolve);
          };
          process.on("SIGTERM", onSignal);
          process.on("SIGINT", onSignal);
        });
      },
    );

  addClientOptions(
    store
      .command("put [file]")
      .description(
        "upload FILE (or stdin) under its SHA-256; prints digest, size, url and the deletion token",
      ),
  ).action(async (file: string | undefined, o: ClientFlags) => {
    const c = await client(o);
    const fromStdin = file === undefined || file === "-";
    if (fromStdin) (await import("../io.js")).claimStdin("the input");
    const b = await bar(o, "put");
    try {
      const r = await c.put(fromStdin ? process.stdin : file, b);
      b.done();
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else
        process.stdout.write(
          `digest: ${r.digest}\nsize: ${r.size}\nurl: ${r.url}\n${r.existed ? "existed: true\n" : ""}${r.deleteToken ? `delete-token: ${r.deleteToken}\n` : ""}`,
        );
    } finally {
      b.done();
    }
  });

  addClientOptions(
    store
      .command("get <digest>")
      .description("download a blob; size and digest are verified before anything is written")
      .option(
        "--size <bytes>",
        "the blob's exact size in bytes, if known (else taken from the store's HEAD answer; the digest is checked either way)",
      )
      .option("-o, --output <file>", "write here (atomically); `-` or omitted: stdout"),
  ).action(async (digest: string, o: ClientFlags & { size?: string; output?: string }) => {
    const { SigrunError } = await import("../../core/index.js");
    const { checkRef } = await import("../../store/index.js");
    if (o.size !== undefined && !/^\d{1,16}$/.test(o.size))
      throw new SigrunError("USAGE", "--size: expected a byte count");
    const c = await client(o);
    // Without --size the store's HEAD says how long the blob is; a wrong answer cannot pass, since the
    // download is checked against that size AND the digest before anything is written.
    const size = o.size === undefined ? await c.head(checkRef({ digest, size: 0 })) : Number(o.size);
    if (size === null) throw new SigrunError("STORE_NOT_FOUND", `${digest}: not in ${c.url}`);
    const ref = checkRef({ digest, size });
    const b = await bar(o, "get");
    try {
      const toStdout = o.output === undefined || o.output === "-";
      await c.get(ref, toStdout ? process.stdout : o.output!, b);
      b.done();
      if (o.json && !toStdout) process.stdout.write(`${JSON.stringify({ ...ref, output: o.output })}\n`);
    } finally {
      b.done();
    }
  });

  addClientOptions(
    store
      .command("rm <digest>")
      .description("delete a blob (sigrun store serve: with the deletion token its PUT returned)")
      .option("--delete-token-file <file>", "file holding the deletion token")
      .option("--delete-token-env <var>", "environment variable holding the deletion token"),
  ).action(async (digest: string, o: ClientFlags & { deleteTokenFile?: string; deleteTokenEnv?: string }) => {
    const { checkRef } = await import("../../store/index.js");
    const { readSecret } = await import("../io.js");
    const token = readSecret({ file: o.deleteTokenFile, env: o.deleteTokenEnv }, "deletion token");
    const c = await client(o);
    await c.rm(checkRef({ digest, size: 0 }), token);
    if (o.json) process.stdout.write(`${JSON.stringify({ digest, deleted: true })}\n`);
  });
}
