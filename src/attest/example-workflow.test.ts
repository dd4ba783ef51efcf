import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { checkSigrunUses, type Obj, obj, runScripts, shellCommands } from "../../test/kit/workflow-check.js";
import { buildProgram } from "../cli/program.js";

/**
 * examples/github/build-gated.yml (issue 13): manual, bounded, minimal permissions, pinned actions; the
 * build job alone gets the build secret (from the environment, never on argv); no job ever holds the
 * release key or any signing key; and every `sigrun …` uses only verbs and flags the real CLI has.
 */
const WORKFLOW = "examples/github/build-gated.yml";

describe("examples/github/build-gated.yml", () => {
  const text = readFileSync(WORKFLOW, "utf8");
  const wf = obj(parse(text), "workflow");
  const jobs = obj(wf.jobs, "jobs");
  const program = buildProgram();
  const job = (name: string) => obj(jobs[name], name);
  const jobText = (name: string) => JSON.stringify(job(name));

  it("is started by hand, bounded in time, with minimal permissions and pinned actions", () => {
    assert.deepEqual(Object.keys(obj(wf.on, "on")), ["workflow_dispatch"]);
    assert.deepEqual(wf.permissions, {});
    assert.deepEqual(Object.keys(jobs).sort(), ["build", "countersign"]);
    for (const name of Object.keys(jobs)) {
      const j = job(name);
      const t = j["timeout-minutes"];
      assert.ok(typeof t === "number" && t > 0 && t <= 120, `${name}: timeout-minutes`);
      assert.deepEqual(j.permissions, { contents: "read" }, `${name}: permissions`);
      for (const s of (j.steps as Obj[]) ?? [])
        if (typeof s.uses === "string") assert.match(s.uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, s.uses);
    }
  });

  it("only the build job gets the build secret, through its environment, never on a command line", () => {
    assert.equal(job("build").environment, "build");
    assert.match(jobText("build"), /secrets\.SIGRUN_BUILD_KEY/);
    assert.doesNotMatch(jobText("countersign"), /SIGRUN_BUILD_KEY/);
    for (const { scripts } of runScripts(wf))
      for (const s of scripts)
        assert.doesNotMatch(s, /\$\{?SIGRUN_BUILD_KEY/, "the secret is never expanded into argv");
    const attest = runScripts(wf)
      .find((r) => r.job === "build")!
      .scripts.find((s) => /sigrun attest\b/.test(s));
    assert.ok(attest, "the build job runs sigrun attest");
    assert.match(attest, /--build-key-env SIGRUN_BUILD_KEY/);
  });

  it("no job holds the release key or any private key", () => {
    assert.doesNotMatch(text, /secrets\.(?!SIGRUN_BUILD_KEY\b)\w+/, "no secret other than the build key");
    for (const { job: name, scripts } of runScripts(wf))
      for (const s of scripts)
        for (const words of shellCommands(s)) {
          if (words[0] !== "sigrun") continue;
          for (const f of [
            "--key",
            "--approver-key",
            "--passphrase-env",
            "--passphrase-file",
            "--pin-env",
            "--pin-file",
          ])
            assert.ok(!words.includes(f), `${name}: sigrun ${words[1]} uses ${f}`);
        }
    assert.ok(jobText("countersign").includes("--remote"), "the countersign job asks a remote signer");
  });

  it("uses only verbs and flags the CLI accepts, and the whole flow", () => {
    const uses: string[] = [];
    for (const { scripts } of runScripts(wf))
      for (const s of scripts) {
        const r = checkSigrunUses(s, program);
        assert.deepEqual(r.problems, []);
        uses.push(...r.uses);
      }
    for (const v of ["sigrun attest", "sigrun sign", "sigrun countersign"]) assert.ok(uses.includes(v), v);
    const all = runScripts(wf).flatMap((r) => r.scripts);
    const sign = all.find((s) => /sigrun sign\b/.test(s))!;
    for (const f of ["--remote", "--signer-key", "--signer-kex", "--attestations", "--approval"])
      assert.ok(sign.includes(f), `sigrun sign uses ${f}`);
    assert.match(all.find((s) => /sigrun countersign\b/.test(s))!, /--verify/);
  });

  it("the check catches an unknown flag in this workflow's commands", () => {
    const script = runScripts(wf)
      .flatMap((r) => r.scripts)
      .find((s) => /sigrun attest\b/.test(s))!
      .replace("--build-key-env", "--build-key-arg");
    assert.deepEqual(checkSigrunUses(script, program).problems, [
      "sigrun attest: unknown flag --build-key-arg",
    ]);
  });
});
