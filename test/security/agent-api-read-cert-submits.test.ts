// Attack: a client holding a certificate the agent's client CA issued — for a read-only dashboard, for
// another purpose altogether, or with a subject/SAN crafted to look like the submitter's — uses it to
// submit a bundle (or to read jobs it was never given). Today's fix: a certificate gets only the role an
// `http.clientRoles` rule gives it (fingerprint pin, CN, or one exact SAN entry); one no rule names gets
// none. Expected: the read certificate lists jobs, shows receipts, fetches logs and outputs (read rights)
// and metrics, but POST /execute answers 401 and nothing runs; an unlisted certificate and the crafted
// ones get 401 on every API route; a sealed job (POST /sealed/v1/…) needs submit too; the CLI exits 63
// UNAUTHORIZED; a --client-ca without any role is refused at start.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { test } from "node:test";
import { EXIT_CODES } from "../../src/cli/exit-codes.js";
import { ownerKey, stubBundle, tempDir } from "../kit/agent-fixtures.js";
import { cli, spawnHttpAgent } from "../kit/spawn-agent.js";
import { makeTlsPki, noOpenssl, opensslFingerprint } from "../kit/tls-pki.js";

const UNAUTHORIZED = EXIT_CODES.UNAUTHORIZED;

test("agent-api-read-cert-submits: certificate roles come from http.clientRoles only", {
  skip: noOpenssl,
}, async () => {
  assert.equal(UNAUTHORIZED, 63);
  const d = tempDir();
  const pki = makeTlsPki(d.path, [
    { name: "reader", cn: "dashboard", alt: ["DNS.1 = dash.internal"] },
    { name: "ops", cn: "ops" },
    { name: "stranger", cn: "stranger", alt: ["DNS.1 = stranger.internal"] },
    // looks like the submitter to a parser that splits the printed subject/SAN on commas
    { name: "crafted", cn: "x, CN=ops", alt: ["DNS.1 = x, DNS:ops.internal", "DNS.2 = y"] },
    // the right name from a CA the agent does not trust: refused by TLS itself
    { name: "foreign", cn: "ops", foreignCa: true },
  ]);
  const owner = ownerKey();
  const job = join(d.path, "job.sgb");
  writeFileSync(job, await stubBundle([owner], { op: { op: "write", value: "data" } }));
  const tlsFlags = ["--tls-cert", pki.serverCert, "--tls-key", pki.serverKey, "--client-ca", pki.ca];

  // a client CA alone gives nobody a role: refused at start instead of serving a locked or open API
  await assert.rejects(spawnHttpAgent(join(d.path, "noroles"), owner, tlsFlags), /exited with 2/);

  const { agent: a, state } = await spawnHttpAgent(d.path, owner, [
    ...tlsFlags,
    "--client-role",
    "read=cn:dashboard",
    "--client-role",
    `submit=sha256:${opensslFingerprint(pki.cert("ops"))}`,
    "--client-role",
    "submit=san:DNS:ops.internal",
  ]);
  const as = (who: string): string[] => ["--ca", pki.ca, "--cert", pki.cert(who), "--key", pki.key(who)];
  const url = a.url!;
  const rawPost = (base: string, path: string, who: string): Promise<{ status: number; error?: string }> =>
    new Promise((resolve, reject) => {
      const req = request(new URL(path, base), {
        method: "POST",
        ca: readFileSync(pki.ca),
        cert: readFileSync(pki.cert(who)),
        key: readFileSync(pki.key(who)),
        headers: { "Content-Type": "application/vnd.sigrun.sealed-frames" },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => {
          let error: string | undefined;
          try {
            error = (JSON.parse(body) as { error?: string }).error;
          } catch {
            error = undefined;
          }
          resolve({ status: res.statusCode ?? 0, error });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end("not a frame stream");
    });
  try {
    assert.match(url, /^https:\/\//);
    for (const who of ["reader", "stranger", "crafted"]) {
      const r = cli(["submit", job, "--to", url, "--wait", ...as(who)]);
      assert.equal(r.status, UNAUTHORIZED, `${who}: ${r.stderr}`);
      assert.match(r.stderr, /UNAUTHORIZED/);
    }
    const foreign = cli(["submit", job, "--to", url, "--wait", ...as("foreign")]);
    assert.notEqual(foreign.status, 0, "a certificate from another CA never gets through the handshake");
    // nothing ran
    const none = JSON.parse(cli(["jobs", "list", "--state", state, "--json"]).stdout.toString());
    assert.equal(none.jobs.length, 0);

    const ok = cli(["submit", job, "--to", url, "--wait", "--json", ...as("ops")]);
    assert.equal(ok.status, 0, ok.stderr);
    const id = JSON.parse(ok.stdout.toString()).receipts[0].job as string;

    // the read certificate reads: list, show, logs, outputs, metrics
    const list = cli(["jobs", "list", "--to", url, "--json", ...as("reader")]);
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual(
      JSON.parse(list.stdout.toString()).jobs.map((j: { id: string }) => j.id),
      [id],
    );
    for (const args of [["show", id], ["logs", id], ["outputs", id, "out.txt"], ["metrics"]]) {
      const r = cli(["jobs", ...args, "--to", url, ...as("reader")]);
      assert.equal(r.status, 0, `jobs ${args.join(" ")}: ${r.stderr}`);
    }
    assert.equal(
      cli(["jobs", "outputs", id, "out.txt", "--to", url, ...as("reader")]).stdout.toString(),
      "data",
    );
    // ...and still cannot submit, even asynchronously, nor start a sealed job
    const async = cli(["submit", job, "--to", url, ...as("reader")]);
    assert.equal(async.status, UNAUTHORIZED, async.stderr);
    for (const path of ["/sealed/v1/offer", `/sealed/v1/jobs/${"0".repeat(32)}`]) {
      const r = await rawPost(url, path, "reader");
      assert.equal(r.status, 401, path);
      assert.equal(r.error, "UNAUTHORIZED");
    }
    assert.equal(
      (await rawPost(url, "/sealed/v1/offer", "ops")).status,
      200,
      "the submit certificate gets through",
    );

    // no role: every jobs-API route is refused, through the CLI (exit 63) and on the wire (401)
    for (const who of ["stranger", "crafted"]) {
      for (const args of [["list"], ["show", id], ["logs", id], ["outputs", id, "out.txt"], ["metrics"]]) {
        const r = cli(["jobs", ...args, "--to", url, ...as(who)]);
        assert.equal(r.status, UNAUTHORIZED, `${who} jobs ${args.join(" ")}: ${r.stderr}`);
        assert.equal(r.stdout.length, 0);
      }
    }
    const after = JSON.parse(cli(["jobs", "list", "--state", state, "--json"]).stdout.toString());
    assert.equal(after.jobs.length, 1, "only the submitter's job ran");
  } finally {
    assert.equal(await a.stop(), 0, a.stderr());
    d.cleanup();
  }
});
