import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The demo's later flows, run as a user would run them: each step is the real `sigrun` CLI in a child
 * process (the command printed beside it is the one executed, minus the absolute paths), against real
 * in-process servers (a blob store, a relay) on 127.0.0.1. Sealed data, build-gated countersigning and
 * remote signing. Every step records what it expected and what it got.
 */
export type Record = (step: string, command: string, expected: string, got: string) => void;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));

/**
 * Runs the CLI in a child process without blocking this one: the servers the demo runs in-process (store,
 * relay) must keep answering while the child talks to them.
 */
function cli(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (c: Buffer) => {
      stdout += c;
    });
    p.stderr.on("data", (c: Buffer) => {
      stderr += c;
    });
    const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** "OK" for exit 0, else the error code of the CLI's one-line `sigrun: CODE: …` message. */
function outcome(r: Ran): string {
  if (r.code === 0) return "OK";
  return /sigrun: ([A-Z_]+):/.exec(r.stderr)?.[1] ?? `exit ${r.code}`;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Sealed data: seal to the client's key, push the ciphertext through an untrusted store, fetch, open. */
export async function sealedDataSteps(dir: string, record: Record): Promise<void> {
  const { startStoreServer } = await import("../store/index.js");
  const d = join(dir, "sealed");
  mkdirSync(d);
  const secret = "the quarterly numbers, for the client only\n";
  writeFileSync(join(d, "report.txt"), secret);
  record(
    "make the client's X25519 key",
    "sigrun keygen --type x25519 -o client --no-passphrase",
    "OK",
    outcome(await cli(d, ["keygen", "--type", "x25519", "-o", "client", "--no-passphrase"])),
  );
  record(
    "seal a file to it (age format: `age -d -i` opens it too)",
    "sigrun seal report.txt -r client.pub -o report.txt.age",
    "OK",
    outcome(await cli(d, ["seal", "report.txt", "-r", "client.pub", "-o", "report.txt.age"])),
  );
  const store = await startStoreServer({ dir: join(d, "store") }, { host: "127.0.0.1", port: 0 });
  try {
    const put = await cli(d, ["store", "put", "report.txt.age", "--store", store.url, "--json", "-q"]);
    const ref = put.code === 0 ? (JSON.parse(put.stdout) as { digest: string; size: number }) : undefined;
    record(
      "push the ciphertext through an untrusted blob store (content-addressed, write-once)",
      "sigrun store serve --dir store/ &  sigrun store put report.txt.age --store http://127.0.0.1:8480",
      "OK",
      outcome(put),
    );
    const plain = Buffer.from(secret);
    const leaked = filesUnder(join(d, "store")).some((f) => readFileSync(f).includes(plain));
    record(
      "the store holds no plaintext",
      "grep -r 'quarterly numbers' store/",
      "no plaintext",
      leaked ? "plaintext found" : "no plaintext",
    );
    const get = await cli(d, [
      ...["store", "get", ref?.digest ?? "none", "--size", String(ref?.size ?? 0)],
      ...["--store", store.url, "-o", "fetched.age", "-q"],
    ]);
    const opened =
      get.code === 0 ? await cli(d, ["unseal", "fetched.age", "-i", "client.key", "-o", "opened.txt"]) : get;
    record(
      "fetch it (size and digest checked first) and open it with the client's key",
      `sigrun store get sha256:… --size N --store http://127.0.0.1:8480 -o fetched.age && sigrun unseal fetched.age -i client.key -o opened.txt`,
      "same bytes",
      opened.code === 0 && readFileSync(join(d, "opened.txt"), "utf8") === secret
        ? "same bytes"
        : outcome(opened),
    );
    const tampered = new Uint8Array(readFileSync(join(d, "report.txt.age")));
    tampered[tampered.length - 20]! ^= 0x01;
    writeFileSync(join(d, "tampered.age"), tampered);
    const bad = await cli(d, ["unseal", "tampered.age", "-i", "client.key", "-o", "tampered.txt"]);
    record(
      "one flipped ciphertext bit: refused, and no output file is left",
      "sigrun unseal tampered.age -i client.key -o tampered.txt",
      "SEAL_PAYLOAD_INVALID, no file",
      `${outcome(bad)}${existsSync(join(d, "tampered.txt")) ? ", file left" : ", no file"}`,
    );
  } finally {
    await store.close();
  }
}

/** Build-gated countersigning: approver A, build host M, signing host H, repository L. */
export async function countersignSteps(dir: string, record: Record): Promise<void> {
  const d = join(dir, "release");
  mkdirSync(join(d, "dist"), { recursive: true });
  for (const [name, type] of [
    ["approver", "ed25519"],
    ["release", "ed25519"],
  ] as const)
    await cli(d, ["keygen", "--type", type, "-o", name, "--no-passphrase"]);
  const newKey = await cli(d, [
    ...["build-key", "new", "--build", "42", "--approver-key", "approver.key", "-o", "build"],
    ...["--audit", "approver-audit.db", "--print-env"],
  ]);
  record(
    "the approver makes a per-build key and signs its approval (hash-chained audit log)",
    "sigrun build-key new --build 42 --approver-key approver.key -o build --print-env",
    "OK",
    outcome(newKey),
  );
  writeFileSync(join(d, "dist", "app.tar.gz"), "the release artifact\n");
  const att = await cli(
    d,
    ["attest", "dist/app.tar.gz", "--build-key-env", "SIGRUN_BUILD_KEY", "-o", "att.json"],
    {
      SIGRUN_BUILD_KEY: newKey.stdout.trim(),
    },
  );
  record(
    "the build host attests its artifact with the build key (in-toto statement in DSSE)",
    "SIGRUN_BUILD_KEY=… sigrun attest dist/app.tar.gz --build-key-env SIGRUN_BUILD_KEY -o att.json",
    "OK",
    outcome(att),
  );
  const evidence = [
    "--attestations",
    "att.json",
    "--approval",
    "build/approval.json",
    "--approver-pub",
    "approver.pub",
  ];
  const cs = await cli(d, [
    ...[
      "countersign",
      "dist/app.tar.gz",
      ...evidence,
      "--key",
      "release.key",
      "--format",
      "ssh",
      "-o",
      "sigs",
    ],
    ...["--audit", "h-audit.db"],
  ]);
  record(
    "the signing host checks approval and attestation, then signs with the release key",
    "sigrun countersign dist/app.tar.gz --attestations att.json --approval build/approval.json --approver-pub approver.pub --key release.key --format ssh -o sigs",
    "OK",
    outcome(cs),
  );
  record(
    "the repository verifies the release signature",
    "sigrun verify-file dist/app.tar.gz --sig sigs/app.tar.gz.sig --pub release.pub",
    "OK",
    outcome(
      await cli(d, [
        "verify-file",
        "dist/app.tar.gz",
        "--sig",
        "sigs/app.tar.gz.sig",
        "--pub",
        "release.pub",
      ]),
    ),
  );
  writeFileSync(join(d, "dist", "app.tar.gz"), "a backdoored artifact\n");
  const swapped = await cli(d, [
    ...[
      "countersign",
      "dist/app.tar.gz",
      ...evidence,
      "--key",
      "release.key",
      "--format",
      "ssh",
      "-o",
      "sigs2",
    ],
    ...["--audit", "h-audit.db"],
  ]);
  record(
    "an artifact replaced after attestation is refused, nothing signed",
    "sigrun countersign dist/app.tar.gz … -o sigs2   (after the artifact was swapped)",
    "DIGEST_MISMATCH, nothing signed",
    `${outcome(swapped)}${existsSync(join(d, "sigs2", "app.tar.gz.sig")) ? ", signed" : ", nothing signed"}`,
  );
}

/** Remote signing: CI asks a signer through a relay; end-to-end encrypted; the signer's policy decides. */
export async function remoteSigningSteps(dir: string, record: Record): Promise<void> {
  const { startRelay } = await import("../relay/index.js");
  const d = join(dir, "remote");
  mkdirSync(d);
  await cli(d, ["keygen", "-o", "signer", "--no-passphrase"]);
  await cli(d, ["keygen", "--type", "x25519", "-o", "kex", "--no-passphrase"]);
  writeFileSync(join(d, "app.tar.gz"), "artifact built by CI\n");
  writeFileSync(
    join(d, "signer.cedar"),
    'permit (principal, action == Action::"sign", resource) when { resource.name == "app.tar.gz" };\n',
  );
  const relay = await startRelay({ listen: "127.0.0.1:0" });
  try {
    const initiator = cli(d, [
      ...["sign", "app.tar.gz", "--remote", "--signer-kex", "kex.pub", "--signer-key", "signer.pub"],
      ...["--relay", relay.url, "--format", "ssh", "--join-file", "join.pem", "--join-timeout", "60s"],
      ...["--context", "demo: release 1.0"],
    ]);
    let exited: Ran | undefined;
    void initiator.then((r) => {
      exited = r;
    });
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(d, "join.pem")) && !exited && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    record(
      "CI asks for a signature: a join string for the signer, nothing secret in it",
      "sigrun sign app.tar.gz --remote --signer-kex kex.pub --signer-key signer.pub --format ssh --relay ws://127.0.0.1:8787",
      "join string",
      existsSync(join(d, "join.pem"))
        ? "join string"
        : `no join string (${exited ? outcome(exited) : "timeout"})`,
    );
    const signer = await cli(d, [
      ...["remote-sign", "--file", "join.pem", "--key", "signer.key", "--kex-key", "kex.key"],
      ...["--policy", "signer.cedar", "--yes", "--audit", "signer-audit.db"],
    ]);
    const init = await initiator;
    record(
      "the signer sees the file's digest, its policy approves, it signs; CI verifies before writing",
      "sigrun remote-sign --file join.pem --key signer.key --kex-key kex.key --policy signer.cedar --yes",
      "OK",
      signer.code !== 0 ? outcome(signer) : outcome(init),
    );
    record(
      "the signature is an ordinary SSH signature (ssh-keygen -Y verify accepts it too)",
      "sigrun verify-file app.tar.gz --sig app.tar.gz.sig --pub signer.pub",
      "OK",
      outcome(await cli(d, ["verify-file", "app.tar.gz", "--sig", "app.tar.gz.sig", "--pub", "signer.pub"])),
    );
  } finally {
    await relay.close();
  }
}
