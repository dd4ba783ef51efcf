import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { after, before, test } from "node:test";
import { canonicalEndpoint } from "../../src/host/sys/connect.js";
import { runScript } from "../../src/runner/index.js";

// Attack (a variant of issue 14 item 3, "authorization on the raw string", for `connect`): Cedar saw the
// endpoint exactly as the script spelled it, and the resolver then accepted other spellings of the same
// address: under `forbid … when { resource.url == "127.0.0.1" }`, `connect("127.1", …)`,
// `"0x7f.0.0.1"`, `"2130706433"`, `"017700000001"` and `"::ffff:127.0.0.1"` all reached 127.0.0.1, and
// `"LOCALHOST"` passed a forbid on `"localhost"`. The endpoint must be put in one canonical form, that
// form authorized, and exactly that form connected to.

let server: Server;
let port = 0;
before(async () => {
  server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

const connectTo = (ep: string) =>
  `connect(${JSON.stringify(ep)}, ${port}, TransportProtocol::TCP).to_string()`;
const forbidLoopback = `permit(principal, action, resource);
forbid(principal, action == network::Action::"connect", resource)
  when { resource.url == "127.0.0.1" || resource.url == "localhost" };`;

for (const ep of [
  "127.1",
  "0x7f.0.0.1",
  "2130706433",
  "017700000001",
  "::ffff:127.0.0.1",
  "[::ffff:7f00:1]",
  "LOCALHOST",
  "LocalHost",
]) {
  test(`connect(${JSON.stringify(ep)}) is authorized in its canonical form (denied like 127.0.0.1/localhost)`, async () => {
    const out = await runScript({ script: connectTo(ep), policy: forbidLoopback, monitoring: false });
    assert.equal(out.status, "ERROR", `${ep} connected past the forbid: ${out.output}`);
    assert.match(out.error?.message ?? "", /PermissionDenied: .*network::url::"(127\.0\.0\.1|localhost)"/);
  });
}

test("an allow-list on the canonical form admits another spelling, and the connection is to that form", async () => {
  const allow = `permit(principal, action == network::Action::"connect", resource == network::url::"127.0.0.1");`;
  const out = await runScript({ script: connectTo("127.1"), policy: allow, monitoring: false });
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  const other = await runScript({ script: connectTo("10.1"), policy: allow, monitoring: false });
  assert.equal(other.status, "ERROR");
  assert.match(other.error?.message ?? "", /network::url::"10\.0\.0\.1"/);
});

test("canonical forms; what is no host is refused", () => {
  assert.equal(canonicalEndpoint("127.1"), "127.0.0.1");
  assert.equal(canonicalEndpoint("0x7f.1"), "127.0.0.1");
  assert.equal(canonicalEndpoint("Example.COM"), "example.com");
  assert.equal(canonicalEndpoint("::FFFF:127.0.0.1"), "127.0.0.1");
  assert.equal(canonicalEndpoint("0:0:0:0:0:0:0:1"), "::1");
  assert.equal(canonicalEndpoint("[::1]"), "::1");
  for (const bad of ["", "a/b", "user@host", "host:80", "fe80::1%eth0", "a b", "[::1"])
    assert.equal(canonicalEndpoint(bad), undefined, bad);
});
