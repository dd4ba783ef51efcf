// Attack: an agent whose API has roles (a submit-role token file) is sent a sealed job by a client that has
// no token — anyone who can reach the port. Before, the sealed routes skipped every role check when no
// client CA was configured. Expected: the offer is refused with UNAUTHORIZED (exit 63 from the CLI) and
// nothing runs; the owner's client, added with `host add --agent … --token-file`, still executes.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { isSigrunError } from "../../src/core/index.js";
import { execute } from "../../src/remote/execute.js";
import { loadHost, saveHost } from "../../src/remote/host-record.js";
import { cli } from "../kit/bundle-fixtures.js";
import { COPY_SCRIPT, type SealedWorld, sealedWorld, writeTree } from "../kit/sealed-world.js";

let w: SealedWorld;
before(async () => {
  w = await sealedWorld("local", { submitToken: "s3cret-submit-token-for-this-test" });
});
after(async () => {
  await w.stop();
});

test("sealed-execute-without-submit-token: no token → UNAUTHORIZED and nothing runs; the token → runs", async () => {
  const inputs = writeTree(join(w.dir, "in"), { "a.txt": "hello" });
  const app = await w.app(COPY_SCRIPT, "copy.sgb");

  // The same host record without its token file: an outsider's client.
  const withToken = loadHost(w.configDir, "local");
  assert.ok(withToken.agent?.tokenFile, "host add recorded the token file");
  const { tokenFile: _t, ...bare } = withToken.agent!;
  saveHost(w.configDir, { ...withToken, name: "local", agent: bare });
  await assert.rejects(
    execute({
      configDir: w.configDir,
      host: "local",
      app,
      inputs,
      outputs: join(w.dir, "out0"),
      timeoutMs: 30_000,
    }),
    (err) => isSigrunError(err, "UNAUTHORIZED"),
  );
  const r = cli(
    [
      "execute",
      "--host",
      "local",
      "--application",
      app,
      "--inputs",
      inputs,
      "--outputs",
      join(w.dir, "out1"),
    ],
    {
      env: { ...process.env, XDG_CONFIG_HOME: join(w.dir, "config") },
    },
  );
  assert.equal(r.code, 63, r.stderr);
  assert.match(r.stderr, /UNAUTHORIZED/);
  // no job reached the runner
  const jobs = JSON.parse(cli(["jobs", "list", "--state", w.state, "--json"]).stdout) as
    | { jobs?: unknown[] }
    | unknown[];
  assert.equal((Array.isArray(jobs) ? jobs : (jobs.jobs ?? [])).length, 0, JSON.stringify(jobs));

  // The owner's record (with the token file) executes.
  saveHost(w.configDir, withToken);
  const ok = await execute({
    configDir: w.configDir,
    host: "local",
    app,
    inputs,
    outputs: join(w.dir, "out2"),
    timeoutMs: 60_000,
  });
  assert.equal(ok.status, "succeeded", Buffer.from(ok.stderr).toString());
  assert.equal(readFileSync(join(w.dir, "out2", "a.txt"), "utf8"), "hello");
  assert.deepEqual(readdirSync(join(w.dir, "out2")), ["a.txt"]);
});
