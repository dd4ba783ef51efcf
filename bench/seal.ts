// Seal/unseal benchmark (issue 11): 1 GiB through `sigrun seal`/`unseal` vs the `age` CLI on the same
// file in the same run — wall time, throughput and peak RSS (GNU time's maximum resident set size).
//   npm run build && node dist/bench/seal.js            (SEAL_BENCH_MIB=256 for a smaller file)
// Targets: ≥ 500 MiB/s each way, time ratio ≤ 2× age, peak RSS < 100 MB.
import { spawnSync } from "node:child_process";
import { createCipheriv, createSecretKey, randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = new URL("../src/cli/main.js", import.meta.url).pathname;
const MIB = Number(process.env.SEAL_BENCH_MIB ?? 1024);
const RUNS = Number(process.env.SEAL_BENCH_RUNS ?? 3);
const TIME = "/usr/bin/time";

interface Sample {
  ms: number;
  /** user + system CPU time */
  cpuMs: number;
  rssKb: number;
}

/** Runs `sh -c cmd` under GNU time; returns wall ms, CPU ms and max RSS (KiB) of the measured command. */
function measure(cmd: string, cwd: string): Sample {
  const r = spawnSync(TIME, ["-f", "%e %U %S %M", "sh", "-c", cmd], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}: ${r.stderr}`);
  const last = r.stderr.trim().split("\n").pop()!.split(" ");
  return {
    ms: Number(last[0]) * 1000,
    cpuMs: (Number(last[1]) + Number(last[2])) * 1000,
    rssKb: Number(last[3]),
  };
}

/**
 * The ceiling: node:crypto's ChaCha20-Poly1305 alone in this process, as seal uses it (one cipher per
 * 64 KiB chunk, a fresh nonce each), over MIB MiB of data already in memory — no I/O, no start-up.
 */
function aeadCeiling(): { ms: number; rate: number } {
  const key = createSecretKey(randomBytes(32));
  const data = randomBytes(16 * 1024 * 1024);
  const nonce = Buffer.alloc(12);
  let counter = 0;
  const t0 = performance.now();
  for (let i = 0; i < MIB / 16; i++) {
    for (let off = 0; off < data.byteLength; off += 64 * 1024) {
      nonce.writeUIntBE(counter++, 5, 6);
      const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
      c.update(data.subarray(off, off + 64 * 1024));
      c.final();
      c.getAuthTag();
    }
  }
  const ms = performance.now() - t0;
  return { ms, rate: (MIB * 1000) / ms };
}

function median(cmd: string, cwd: string): Sample {
  const xs = Array.from({ length: RUNS }, () => measure(cmd, cwd));
  xs.sort((a, b) => a.ms - b.ms);
  const mid = xs[Math.floor(xs.length / 2)]!;
  return { ms: mid.ms, cpuMs: mid.cpuMs, rssKb: Math.max(...xs.map((x) => x.rssKb)) };
}

function line(name: string, ours: Sample, age: Sample): boolean {
  const rate = (MIB * 1000) / ours.ms;
  const ageRate = (MIB * 1000) / age.ms;
  const ratio = ours.ms / age.ms;
  const rssMb = (ours.rssKb * 1024) / 1e6;
  const ok = rate >= 500 && ratio <= 2 && rssMb < 100;
  process.stdout.write(
    `${ok ? "PASS" : "MISS"}  ${name.padEnd(34)} ours ${ours.ms.toFixed(0).padStart(6)} ms ${rate.toFixed(0).padStart(5)} MiB/s ` +
      `RSS ${rssMb.toFixed(0).padStart(4)} MB   age ${age.ms.toFixed(0).padStart(6)} ms ${ageRate.toFixed(0).padStart(5)} MiB/s ` +
      `RSS ${((age.rssKb * 1024) / 1e6).toFixed(0).padStart(3)} MB   ratio ${ratio.toFixed(2)}   ` +
      `(CPU ours ${ours.cpuMs.toFixed(0)} ms, age ${age.cpuMs.toFixed(0)} ms: ${(ours.cpuMs / age.cpuMs).toFixed(2)})\n`,
  );
  return ok;
}

const have = (bin: string, arg: string) => !spawnSync(bin, [arg]).error;
if (!have("age", "--version") || !have(TIME, "--version")) {
  process.stdout.write("SKIP  seal bench: needs `age` and GNU time (/usr/bin/time)\n");
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "sigrun-seal-bench-"));
try {
  const fd = openSync(join(dir, "plain.bin"), "w");
  const block = randomBytes(16 * 1024 * 1024);
  for (let i = 0; i < MIB / 16; i++) writeSync(fd, block);
  closeSync(fd);
  spawnSync("age-keygen", ["-o", "id.txt"], { cwd: dir });
  const recipient = spawnSync("age-keygen", ["-y", "id.txt"], { cwd: dir, encoding: "utf8" }).stdout.trim();
  const node = `${process.execPath} ${MAIN}`;
  // "Discard the output" must cost nothing: a private null device (major 1, minor 3) in the bench
  // directory, as /dev/null itself may have been replaced by a regular file (then every "discarded"
  // byte is copied into a tmpfs page, as seen on the shared build machine).
  const nullDev = join(dir, "null");
  const made = spawnSync("mknod", [nullDev, "c", "1", "3"]).status === 0;
  const sink = made ? nullDev : "/dev/null";
  if (!made && !statSync("/dev/null").isCharacterDevice())
    process.stdout.write("WARN  /dev/null is not a character device and mknod failed: outputs cost a copy\n");
  const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  process.stdout.write(`load average before: ${load()} (2 cores shared: wall times vary with it)\n`);
  const ceiling = aeadCeiling();
  process.stdout.write(
    `INFO  ceiling: node:crypto ChaCha20-Poly1305 in memory, 64 KiB chunks: ${ceiling.rate.toFixed(0)} MiB/s (${ceiling.ms.toFixed(0)} ms for ${MIB} MiB)\n`,
  );
  process.stdout.write(
    `seal bench: ${MIB} MiB random file, median of ${RUNS} runs (ours = a whole \`sigrun\` process, start-up included)\n`,
  );
  // Stream mode: file → stdout → /dev/null (pure throughput, the same work for both tools).
  const sealOurs = median(`${node} seal plain.bin -r ${recipient} > ${sink}`, dir);
  const sealAge = median(`age -r ${recipient} plain.bin > ${sink}`, dir);
  measure(`age -r ${recipient} -o c.age plain.bin`, dir);
  const openOurs = median(`${node} unseal -i id.txt c.age > ${sink}`, dir);
  const openAge = median(`age -d -i id.txt c.age > ${sink}`, dir);
  let ok = line("seal   → /dev/null", sealOurs, sealAge);
  ok = line("unseal → /dev/null", openOurs, openAge) && ok;
  // File mode: ours writes a temp file, fsyncs and renames (crash-safe); age just writes.
  const fileOurs = measure(`${node} seal plain.bin -r ${recipient} -o s.age --force`, dir);
  const fileAge = measure(`age -r ${recipient} -o a.age plain.bin`, dir);
  line("seal   → file (ours: +fsync+rename)", fileOurs, fileAge);
  const ufOurs = measure(`${node} unseal -i id.txt s.age -o s.out --force`, dir);
  const ufAge = measure(`age -d -i id.txt -o a.out a.age`, dir);
  line("unseal → file (ours: +fsync+rename)", ufOurs, ufAge);
  const same = spawnSync("cmp", ["plain.bin", "s.out"], { cwd: dir }).status === 0;
  process.stdout.write(`${same ? "PASS" : "FAIL"}  round trip is byte-identical\n`);
  process.stdout.write(`load average after: ${load()}\n`);
  if (!ok) process.stdout.write("(stream-mode targets: ≥ 500 MiB/s, ratio ≤ 2, RSS < 100 MB)\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
