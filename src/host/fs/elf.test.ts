import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { arch } from "node:os";
import { after, test } from "node:test";
import { fixture, kindOf } from "../../../test/kit/host-fixture.js";
import { elfInfo } from "./elf.js";
import { openFileFromPath } from "./file.js";

// Interop: what readelf (binutils) says about real binaries, and AT_EXECFN/AT_PLATFORM from a real core
// dump written by gdb's gcore. Under CI a missing tool fails instead of skipping.
const fx = fixture((d) => `permit(principal, action, resource);`);
after(() => fx.cleanup());
const has = (tool: string) => spawnSync(tool, ["--version"], { stdio: "ignore" }).error === undefined;
const need = (tool: string) => (has(tool) || process.env.CI ? false : `no ${tool}`);
const info = (path: string) => elfInfo(openFileFromPath(fx.ctx, path));

for (const bin of ["/bin/true", "/bin/sleep", process.execPath]) {
  test(`${bin}: interpreter and class as readelf reports them`, {
    skip: need("readelf") || !existsSync(bin),
  }, () => {
    const program = spawnSync("readelf", ["-lW", bin], { encoding: "utf8" }).stdout;
    const header = spawnSync("readelf", ["-hW", bin], { encoding: "utf8" }).stdout;
    const interp = /Requesting program interpreter: ([^\]]+)\]/.exec(program)?.[1];
    const got = info(bin);
    assert.equal(got.interpreter, interp);
    assert.equal(got.is_64bit, /Class:\s+ELF64/.test(header));
    assert.equal(got.execfn, undefined);
  });
}

test("a core dump gives AT_EXECFN and AT_PLATFORM from its NT_AUXV note", {
  skip: need("gcore"),
}, async () => {
  const victim = spawn("/bin/sleep", ["30"], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const r = spawnSync("gcore", ["-o", `${fx.dir}/core`, String(victim.pid)], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    victim.kill("SIGKILL");
  }
  const core = readdirSync(fx.dir).find((n) => n.startsWith("core."));
  assert.ok(core, "gcore wrote a core file");
  const got = info(`${fx.dir}/${core}`);
  assert.equal(got.execfn, "/bin/sleep");
  assert.equal(got.platform, arch() === "x64" ? "x86_64" : got.platform);
  assert.ok(got.platform && got.platform.length > 0);
  assert.equal(got.interpreter, undefined);
});

test("malformed ELF files are ValidationErrors", () => {
  const cases: Array<[string, Buffer]> = [
    ["short", Buffer.from("\x7fELF")],
    ["magic", Buffer.alloc(64)],
    ["class", Buffer.concat([Buffer.from("\x7fELF\x03\x01\x01", "latin1"), Buffer.alloc(57)])],
  ];
  if (existsSync("/bin/true")) {
    const b = Buffer.from(readFileSync("/bin/true"));
    const phoffBeyond = Buffer.from(b);
    phoffBeyond.writeBigUInt64LE(BigInt(b.length + 1), 32);
    cases.push(["phoff beyond the end", phoffBeyond]);
    const phnumHuge = Buffer.from(b);
    phnumHuge.writeUInt16LE(0xfffe, 56);
    cases.push(["program headers beyond the end", phnumHuge]);
    cases.push(["truncated", b.subarray(0, 200)]);
  }
  for (const [name, bytes] of cases) {
    writeFileSync(`${fx.dir}/bad`, bytes);
    assert.equal(
      kindOf(() => info(`${fx.dir}/bad`)),
      "ValidationError",
      name,
    );
  }
});
