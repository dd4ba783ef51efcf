import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cli, outcome, tempDir } from "../../test/kit/bundle-fixtures.js";
import { EXIT_CODES } from "../cli/exit-codes.js";
import { parseTime } from "../core/index.js";
import { loadTrustStore, verifyBundle } from "./index.js";

interface Case {
  file: string;
  expect: string;
  description: string;
  host?: string;
  groups?: string[];
  now?: string;
  threshold?: number;
  revoked?: string[];
  trust: string[];
}

const DIR = "vectors/bundle";
const { cases } = JSON.parse(readFileSync(join(DIR, "cases.json"), "utf8")) as { cases: Case[] };

function trustDir(c: Case): { dir: string; cleanup: () => void } {
  const t = tempDir("sigrun-trust-");
  for (const f of c.trust) cpSync(join(DIR, f), join(t.dir, f));
  if (c.revoked) writeFileSync(join(t.dir, "revoked"), `# revoked keys\n${c.revoked.join("\n")}\n`);
  return t;
}

test("every bundle vector gives its expected result (library)", () => {
  assert.ok(cases.length >= 20);
  for (const c of cases) {
    const t = trustDir(c);
    try {
      const got = outcome(() =>
        verifyBundle(new Uint8Array(readFileSync(join(DIR, c.file))), {
          trust: loadTrustStore([t.dir]),
          threshold: c.threshold,
          host: c.host,
          groups: c.groups,
          now: c.now ? parseTime(c.now) : undefined,
        }),
      );
      assert.equal(got, c.expect, `${c.file}: ${c.description}`);
    } finally {
      t.cleanup();
    }
  }
});

test("sigrun verify maps each vector to its documented exit code and a one-line reason", () => {
  for (const c of cases.filter((_, i) => i % 3 === 0 || _.expect !== "BUNDLE_MALFORMED")) {
    const t = trustDir(c);
    try {
      const args = ["verify", join(DIR, c.file), "--trust", t.dir];
      if (c.threshold) args.push("--threshold", String(c.threshold));
      // a vector without a host is checked without a target check (the CLI's default is this machine)
      args.push(...(c.host ? ["--host", c.host] : ["--any-host"]));
      for (const g of c.groups ?? []) args.push("--group", g);
      if (c.now) args.push("--now", c.now);
      const r = cli(args);
      const expectedExit = c.expect === "OK" ? 0 : EXIT_CODES[c.expect as keyof typeof EXIT_CODES];
      assert.equal(r.code, expectedExit, `${c.file}: ${r.stderr}`);
      if (c.expect !== "OK") {
        assert.equal(r.stderr.trim().split("\n").length, 1, `${c.file}: one line`);
        assert.ok(r.stderr.startsWith(`sigrun: ${c.expect}: `), `${c.file}: ${r.stderr}`);
      }
    } finally {
      t.cleanup();
    }
  }
});
