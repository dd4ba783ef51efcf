import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { checkSigrunUses, type Obj, obj, runScripts } from "../../test/kit/workflow-check.js";
import { buildProgram } from "../cli/program.js";

/**
 * examples/github/remote-sign.yml (issue 7, CI integration): it parses, is manual
 * (workflow_dispatch), bounded (timeout-minutes), asks for minimal permissions, pins the tool and
 * the actions, and every `sigrun …` in its run steps uses only verbs and flags the real CLI has.
 */
const WORKFLOW = "examples/github/remote-sign.yml";

describe("examples/github/remote-sign.yml", () => {
  const text = readFileSync(WORKFLOW, "utf8");
  const wf = obj(parse(text), "workflow");
  const program = buildProgram();

  it("is started by hand and bounded in time", () => {
    const on = obj(wf.on, "on");
    assert.ok("workflow_dispatch" in on);
    assert.deepEqual(Object.keys(on), ["workflow_dispatch"], "no automatic triggers");
    for (const [name, j] of Object.entries(obj(wf.jobs, "jobs"))) {
      const t = obj(j, name)["timeout-minutes"];
      assert.ok(typeof t === "number" && t > 0 && t <= 120, `${name}: timeout-minutes`);
    }
  });

  it("asks for minimal permissions (id-token: write only with --provenance)", () => {
    assert.deepEqual(wf.permissions, {}, "workflow-level permissions: {}");
    for (const { job, scripts } of runScripts(wf)) {
      const perms = obj(obj(obj(wf.jobs, "jobs")[job], job).permissions, `${job}.permissions`);
      const provenance = scripts.some((s) => /--provenance\s+github\b/.test(s));
      const allowed: Obj = provenance ? { contents: "read", "id-token": "write" } : { contents: "read" };
      assert.deepEqual(perms, allowed, `${job}: permissions`);
    }
  });

  it("pins every action by commit and the tool by version and integrity", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    for (const [name, j] of Object.entries(obj(wf.jobs, "jobs"))) {
      const job = obj(j, name);
      for (const s of (job.steps as Obj[]) ?? [])
        if (typeof s.uses === "string") assert.match(s.uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, s.uses);
      const env = obj(job.env, `${name}.env`);
      assert.equal(env.SIGRUN_VERSION, pkg.version, "SIGRUN_VERSION = package.json version");
      assert.match(String(env.SIGRUN_INTEGRITY), /^sha512-[A-Za-z0-9+/]{86}==$/);
      const install = runScripts(wf)
        .flatMap((r) => r.scripts)
        .find((s) => /npm (install|ci)\b/.test(s));
      assert.ok(install, "an install step");
      assert.match(install, /--ignore-scripts/);
      assert.match(install, /openssl dgst -sha512 -binary/);
      assert.match(install, /\$SIGRUN_INTEGRITY/);
    }
  });

  it("uses only verbs and flags the CLI accepts", () => {
    const all = runScripts(wf).flatMap((r) => r.scripts);
    const uses: string[] = [];
    for (const s of all) {
      const r = checkSigrunUses(s, program);
      assert.deepEqual(r.problems, []);
      uses.push(...r.uses);
    }
    assert.ok(uses.includes("sigrun sign"), "the workflow runs `sigrun sign`");
    const sign = all.find((s) => /sigrun sign\b/.test(s))!;
    for (const f of ["--remote", "--signer-kex", "--signer-key", "--provenance"])
      assert.ok(sign.includes(f), `sigrun sign uses ${f}`);
  });

  it("the flag check catches unknown verbs and flags", () => {
    const bad = checkSigrunUses(
      [
        "a=(--no-such-array-flag)",
        "sigrun sign f --remote \\",
        `  --no-such-flag x "$\{a[@]}"`,
        "sigrun no-such-verb",
        "",
      ].join("\n"),
      program,
    );
    assert.deepEqual(bad.problems, [
      "sigrun sign: unknown flag --no-such-flag",
      "sigrun sign: unknown flag --no-such-array-flag",
      "unknown verb: sigrun no-such-verb",
    ]);
    assert.deepEqual(checkSigrunUses("sigrun secret new --bits 256 --json > s\n", program).problems, []);
  });
});
