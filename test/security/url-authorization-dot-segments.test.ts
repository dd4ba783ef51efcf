import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Worker } from "node:worker_threads";
import { runScript } from "../../src/runner/index.js";

// Attack: Cedar authorized the URL string as the script wrote it, then `fetch` normalized it and
// fetched another path: `http://h/public/../private/key`, `…/public/%2e%2e/private/key` and
// `…/public/..\private/key` pass `resource.url like "http://h/public/*"` and fetch `/private/key`; a
// percent-encoded unreserved character (`/%70rivate/key`) slips past a `forbid … like "…/private/*"`
// at a server that decodes it. The URL must be parsed and normalized first (WHATWG URL, unreserved
// percent-escapes decoded, dot segments, backslashes), the normalized form authorized and fetched, and
// redirects followed only to URLs the policy permits.

// The server runs in a worker thread: the host call blocks this thread while it waits for the answer.
const SERVER = `
const { createServer } = require("node:http");
const { parentPort } = require("node:worker_threads");
const s = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path === "/private/key") return res.end("SECRET-KEY-MATERIAL");
  if (path === "/public/redirect") { res.statusCode = 302; res.setHeader("location", "/private/key"); return res.end(); }
  if (path === "/public/hop") { res.statusCode = 302; res.setHeader("location", "/public/page"); return res.end(); }
  if (path.startsWith("/public/")) return res.end("public page");
  res.statusCode = 404; res.end("no");
});
s.listen(0, "127.0.0.1", () => parentPort.postMessage(s.address().port));
parentPort.on("message", () => s.close(() => process.exit(0)));
`;
let worker: Worker;
let base = "";
before(async () => {
  worker = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once("message", resolve));
  base = `http://127.0.0.1:${port}`;
});
after(async () => {
  await worker.terminate();
});

const allowPublic = () => `permit(principal, action == network::Action::"GET", resource)
  when { resource.url like "${base}/public/*" };`;
const forbidPrivate = () => `permit(principal, action == network::Action::"GET", resource);
forbid(principal, action == network::Action::"GET", resource) when { resource.url like "${base}/private/*" };`;

async function get(url: string, policy: string) {
  const out = await runScript({
    script: `let r = curl(${JSON.stringify(url)}); r.text`,
    policy,
    monitoring: false,
  });
  return out;
}

for (const suffix of [
  "/public/../private/key",
  "/public/%2e%2e/private/key",
  "/public/%2E%2E/private/key",
  "/public/.%2e/private/key",
  "/public/..\\private/key",
  "/public\\..\\private\\key",
  "/public/./../private/key",
]) {
  test(`allow-list: ${suffix} does not reach /private/key`, async () => {
    const out = await get(`${base}${suffix}`, allowPublic());
    assert.ok(!out.output.includes("SECRET"), `fetched the secret via ${suffix}`);
    assert.equal(out.status, "ERROR");
  });
}

for (const suffix of ["/%70rivate/key", "/privat%65/key", "/public/../%70rivate/key"]) {
  test(`deny-list: ${suffix} is authorized as /private/key`, async () => {
    const out = await get(`${base}${suffix}`, forbidPrivate());
    assert.ok(!out.output.includes("SECRET"), `fetched the secret via ${suffix}`);
    assert.equal(out.status, "ERROR");
  });
}

test("a redirect to a URL the policy does not permit is refused", async () => {
  const out = await get(`${base}/public/redirect`, allowPublic());
  assert.ok(!out.output.includes("SECRET"));
  assert.equal(out.status, "ERROR", out.output);
});

test("permitted URLs work; a redirect to a permitted URL is followed", async () => {
  const ok = await get(`${base}/public/page`, allowPublic());
  assert.equal(ok.status, "SUCCESS", JSON.stringify(ok.error));
  assert.equal(ok.output, "public page");
  const hop = await get(`${base}/public/hop`, allowPublic());
  assert.equal(hop.status, "SUCCESS", JSON.stringify(hop.error));
  assert.equal(hop.output, "public page");
});
