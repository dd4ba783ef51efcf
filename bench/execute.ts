// Sealed-execution benchmark (issue 12): 1 GiB of inputs through `sigrun execute` with a local agent (HTTP)
// and a local store, against the same bytes through `age -e | cp | age -d` plus a local `sigrun run` of the
// same bundle, in the same run. Reports wall time (median), peak RSS of the client (GNU time) and of the
// agent (VmHWM), and the ratio. Target: ratio ≤ 1.5.
//   npm run build && node dist/bench/execute.js          (EXECUTE_BENCH_MIB=256 for a smaller input)
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBundle, signBundle } from "../src/bundle/index.js";
import { fileSigner, generateKey, privateKeyPem, publicKeyPem } from "../src/keys/index.js";
import { hostAdd } from "../src/remote/index.js";
import { startStoreServer } from "../src/store/index.js";

const MAIN = new URL("../src/cli/main.js", import.meta.url).pathname;
const MIB = Number(process.env.EXECUTE_BENCH_MIB ?? 1024);
const RUNS = Number(process.env.EXECUTE_BENCH_RUNS ?? 3);
const TIME = "/usr/bin/time";

// reads every input with a real program (sha256sum), writes one small output per input
const SCRIPT = `let bin = DirConfig().path("/usr/bin").build().open(OpenDirOptions().build()).open_file("sha256sum", OpenFileOptions().read(true).build());
for n in ls(inputs_dir).keys() {
  let r = bin.execute(ExecuteOptions().args([inputs_dir + "/" + n]).build());
  write(outputs_dir + "/" + n + ".sha256", r.stdout);
}
`;
const POLICY = `permit (principal, action, resource) when { resource has path && resource.path like "*/sigrun-job-*/inputs*" };
permit (principal, action, resource) when { resource has path && resource.path like "*/sigrun-job-*/outputs*" };
permit (principal, action == file_system::Action::"open", resource in file_system::Dir::"/usr/bin");
permit (principal, action == file_system::Action::"execute", resource == file_system::File::"/usr/bin/sha256sum");
`;

interface Sample {
  ms: number;
  rssKb: number;
}

/** Runs `sh -c cmd` under GNU time without blocking this process (the store server lives here). */
function measure(cmd: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Sample> {
  if (process.env.EXECUTE_BENCH_VERBOSE) process.stderr.write(`$ ${cmd}\n`);
  return new Promise((resolve, reject) => {
    const p = spawn(TIME, ["-f", "%e %M", "sh", "-c", cmd], {
      cwd,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    p.stderr!.on("data", (c: Buffer) => {
      err += c.toString();
    });
    p.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${cmd}: exit ${code}: ${err}`));
      const last = err.trim().split("\n").pop()!.split(" ");
      resolve({ ms: Number(last[0]) * 1000, rssKb: Number(last[1]) });
    });
  });
}

function median(xs: Sample[]): Sample {
  const s = [...xs].sort((a, b) => a.ms - b.ms);
  return { ms: s[Math.floor(s.length / 2)]!.ms, rssKb: Math.max(...xs.map((x) => x.rssKb)) };
}

function vmHwmKb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

async function waitReady(p: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    p.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.includes('"ready"'));
      if (line) resolve((JSON.parse(line) as { transports: string[] }).transports[0]!);
    });
    p.once("exit", (code) => reject(new Error(`agent exited ${code}`)));
  });
}

const have = (bin: string, arg: string) => !spawnSync(bin, [arg]).error;
if (!have("age", "--version") || !have(TIME, "--version")) {
  process.stdout.write("SKIP  execute bench: needs `age` and GNU time (/usr/bin/time)\n");
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "sigrun-exec-bench-"));
let agent: ChildProcess | undefined;
try {
  const owner = generateKey("ed25519");
  writeFileSync(join(dir, "owner.key"), privateKeyPem(owner.privateKey), { mode: 0o600 });
  mkdirSync(join(dir, "trusted"));
  writeFileSync(join(dir, "trusted", "owner.pub"), publicKeyPem(owner.publicKey));
  const unsigned = createBundle({
    files: new Map([
      ["script.rhai", Buffer.from(SCRIPT)],
      ["policy.cedar", Buffer.from(POLICY)],
    ]),
    entry: "script.rhai",
    policy: "policy.cedar",
    targets: [],
    created: Date.now() - 1000,
    validForMs: 3_600_000,
  });
  writeFileSync(join(dir, "app.sgb"), await signBundle(unsigned, fileSigner(owner.privateKey)));
  writeFileSync(join(dir, "script.rhai"), SCRIPT);
  writeFileSync(join(dir, "policy.cedar"), POLICY);
  mkdirSync(join(dir, "INPUTS"));
  const fd = openSync(join(dir, "INPUTS", "big.bin"), "w");
  const block = randomBytes(16 * 1024 * 1024);
  for (let i = 0; i < MIB / 16; i++) writeSync(fd, block);
  closeSync(fd);

  agent = spawn(
    process.execPath,
    [
      MAIN,
      "agent",
      "--trust",
      join(dir, "trusted"),
      "--state",
      join(dir, "host"),
      "--http",
      "127.0.0.1:0",
      "--json",
      "--workers",
      "1",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await waitReady(agent);
  const store = await startStoreServer(
    { dir: join(dir, "store"), maxBlobBytes: 4 * 1024 ** 3, maxDiskBytes: 8 * 1024 ** 3 },
    { host: "127.0.0.1", port: 0 },
  );
  const configDir = join(dir, "config", "sigrun");
  await hostAdd({ configDir, name: "local", agent: url, yes: true, log: () => {} });
  const env = { ...process.env, XDG_CONFIG_HOME: join(dir, "config") };
  const node = `${process.execPath} ${MAIN}`;

  // baseline: the same bytes through age and cp, then the same bundle run locally on the plaintext
  spawnSync("age-keygen", ["-o", "id.txt"], { cwd: dir });
  const recipient = spawnSync("age-keygen", ["-y", "id.txt"], { cwd: dir, encoding: "utf8" }).stdout.trim();
  const base: Sample[] = [];
  const ours: Sample[] = [];
  const oursStream: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const job = `sigrun-job-base${i}`;
    writeFileSync(
      join(dir, "args.json"),
      JSON.stringify({
        inputs_dir: { stringValue: join(dir, job, "inputs") },
        outputs_dir: { stringValue: join(dir, job, "outputs") },
      }),
    );
    base.push(
      await measure(
        `mkdir -p ${job}/inputs ${job}/outputs s && age -r ${recipient} -o s/in.age INPUTS/big.bin && cp s/in.age s/copy.age && age -d -i id.txt -o ${job}/inputs/big.bin s/copy.age && ${node} run -s script.rhai -p policy.cedar -a args.json > /dev/null && rm -rf s ${job}`,
        dir,
      ),
    );
    ours.push(
      await measure(
        `${node} execute --host local --app app.sgb --inputs INPUTS --outputs OUT-s${i} --store ${store.url}`,
        dir,
        env,
      ),
    );
    oursStream.push(
      await measure(
        `${node} execute --host local --app app.sgb --inputs INPUTS --outputs OUT-h${i}`,
        dir,
        env,
      ),
    );
    rmSync(join(dir, `OUT-s${i}`), { recursive: true, force: true });
    rmSync(join(dir, `OUT-h${i}`), { recursive: true, force: true });
  }
  const b = median(base);
  const agentRssMb = (vmHwmKb(agent.pid!) * 1024) / 1e6;
  process.stdout.write(
    `execute bench: ${MIB} MiB input, median of ${RUNS} runs (whole processes, start-up included)\n`,
  );
  for (const [name, xs] of [
    ["execute --store (local store, HTTP agent)", ours],
    ["execute (blobs through the HTTP session)", oursStream],
  ] as const) {
    const m = median(xs);
    const ratio = m.ms / b.ms;
    process.stdout.write(
      `${ratio <= 1.5 ? "PASS" : "MISS"}  ${name.padEnd(42)} ours ${m.ms.toFixed(0).padStart(6)} ms  client RSS ${((m.rssKb * 1024) / 1e6).toFixed(0)} MB   ` +
        `age|cp|age + sigrun run ${b.ms.toFixed(0).padStart(6)} ms   ratio ${ratio.toFixed(2)} (target ≤ 1.5)\n`,
    );
  }
  process.stdout.write(`      agent peak RSS (VmHWM) ${agentRssMb.toFixed(0)} MB\n`);
  await store.close();
} finally {
  agent?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
