// SystemInfo().resolve_hostname(ResolveOptions): the option paths that need no DNS server (the permitted
// and denied runs against /etc/hosts are host-cases/sysinfo-kernel.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { runRex } from "./index.js";

const ALLOW = `permit(principal, action == sysinfo::Action::"resolve_hostname", resource);`;
const attempt = (opts: string) =>
  `let r = (); try { r = SystemInfo().resolve_hostname(ResolveOptions().hostname("example.invalid")${opts}.build()); } catch (e) { r = \`\${e.kind}|\${e.source}|\${e.message}\`; } r`;

async function run(opts: string): Promise<{ output: string; decisions: string[] }> {
  const r = await runRex({ script: attempt(opts), policy: ALLOW, explain: true, monitoring: false });
  assert.equal(r.output.status, "SUCCESS", JSON.stringify(r.output.error));
  return { output: r.output.output, decisions: r.decisions.map((d) => `${d.decision} ${d.resource}`) };
}

test("resolve_hostname: the Cedar request comes first, on sysinfo::Hostname", async () => {
  const r = await run(".timeout(0)");
  assert.deepEqual(r.decisions, ['allow sysinfo::Hostname::"example.invalid"']);
  assert.equal(
    r.output,
    "Other|SysteminfoErrorKind|DNS resolution failed for hostname: example.invalid, reason: request timed out",
  );
});

test("resolve_hostname: a resolver that is not an IP address is Rex's parse error", async () => {
  const r = await run(`.resolver("dns.example")`);
  assert.match(r.output, /reason: failed to parse resolver IP address: invalid IP address syntax$/);
});

test("resolve_hostname: TCP-only is refused with Rex's DNS error", async () => {
  const r = await run(".protocol(TransportProtocol::TCP)");
  assert.match(
    r.output,
    /^Other\|SysteminfoErrorKind\|DNS resolution failed .* TCP-only resolution is not supported/,
  );
});

test("resolve_hostname: a custom resolver is asked instead of the system's (no server on 127.0.0.1:53 here)", async (t) => {
  const r = await run(`.resolver("127.0.0.1").timeout(1)`);
  if (!/ECONNREFUSED|request timed out/.test(r.output))
    return t.skip(`a DNS server answers on 127.0.0.1: ${r.output}`);
  assert.match(
    r.output,
    /^Other\|SysteminfoErrorKind\|DNS resolution failed for hostname: example\.invalid, reason: /,
  );
});

test("resolve_hostname: a negative timeout fails as Rex's i64 → u64 setter conversion", async () => {
  const r = await runRex({
    script: `SystemInfo().resolve_hostname(ResolveOptions().hostname("localhost").timeout(-1).build())`,
    policy: ALLOW,
    monitoring: false,
  });
  assert.match(r.output.error?.message ?? "", /Parameter conversion failed for timeout/);
});
