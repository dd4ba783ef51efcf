import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Worker } from "node:worker_threads";
import { normalizeUrl } from "../../src/host/sys/network.js";
import { runScript } from "../../src/runner/index.js";

// Attack (a variant of issue 14 item 3, URL authorization): the URL is normalized before Cedar sees it,
// and WHATWG parsing turns `http://127.1/` or `http://0x7f.0.0.1/` into `http://127.0.0.1/` — but an
// IPv4-mapped IPv6 host stays IPv6: `http://[::ffff:127.0.0.1]:P/…` (serialized `[::ffff:7f00:1]`) passed
// `forbid … when { resource.url like "http://127.0.0.1:*" }` and the fetch reached 127.0.0.1 anyway.
// The mapped form must be authorized, and fetched, as the IPv4 address it reaches.

const SERVER = `
const { createServer } = require("node:http");
const { parentPort } = require("node:worker_threads");
const s = createServer((req, res) => res.end("SECRET " + req.url));
s.listen(0, "127.0.0.1", () => parentPort.postMessage(s.address().port));
parentPort.on("message", () => s.close(() => process.exit(0)));
`;
let worker: Worker;
let port = 0;
before(async () => {
  worker = new Worker(SERVER, { eval: true });
  port = await new Promise<number>((resolve) => worker.once("message", resolve));
});
after(async () => {
  await worker.terminate();
});

const forbidLoopback = `permit(principal, action == network::Action::"GET", resource);
forbid(principal, action == network::Action::"GET", resource) when { resource.url like "http://127.0.0.1:*" };`;

for (const host of [
  "[::ffff:127.0.0.1]",
  "[::ffff:7f00:1]",
  "[0:0:0:0:0:ffff:7f00:0001]",
  "[::FFFF:127.0.0.1]",
]) {
  test(`http://${host}:P/ is authorized as http://127.0.0.1:P/`, async () => {
    const out = await runScript({
      script: `curl("http://${host}:${port}/key").text`,
      policy: forbidLoopback,
      monitoring: false,
    });
    assert.ok(!out.output.includes("SECRET"), `fetched through ${host}`);
    assert.equal(out.status, "ERROR");
    assert.match(out.error?.message ?? "", /network::url::http:\/\/127\.0\.0\.1:\d+\/key/);
  });
}

test("the mapped form is fetched as IPv4 when permitted; other IPv6 hosts are kept", async () => {
  const allow = `permit(principal, action == network::Action::"GET", resource) when { resource.url like "http://127.0.0.1:*" };`;
  const out = await runScript({
    script: `curl("http://[::ffff:127.0.0.1]:${port}/ok").text`,
    policy: allow,
    monitoring: false,
  });
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  assert.equal(out.output, "SECRET /ok");
  assert.equal(normalizeUrl("http://[::1]:8080/x").href, "http://[::1]:8080/x");
  assert.equal(normalizeUrl("http://[2001:DB8::1]/").href, "http://[2001:db8::1]/");
});
