import assert from "node:assert/strict";
import { test } from "node:test";
import { systemdUnit } from "./systemd-unit.js";

test("systemd unit names the paths given: trust in the header, a state dir outside /var/lib writable, no StateDirectory", () => {
  const u = systemdUnit({
    config: "/etc/sigrun/agent.json",
    state: "/srv/sigrun/state",
    inbox: "/srv/in",
    trust: "/opt/trust",
  });
  assert.match(u, /^# sigrun agent: runs only bundles that verify against \/opt\/trust;/);
  assert.doesNotMatch(u, /StateDirectory=/);
  assert.match(u, /^ExecStart=\/usr\/bin\/sigrun agent --config \/etc\/sigrun\/agent\.json$/m);
  assert.match(u, /^ConfigurationDirectory=sigrun$/m);
  assert.match(u, /^ReadWritePaths=\/srv\/in \/srv\/sigrun\/state$/m);
  const d = systemdUnit({
    config: "/etc/sigrun/agent.json",
    state: "/var/lib/sigrun-b",
    inbox: "/var/spool/in",
  });
  assert.match(d, /^StateDirectory=sigrun-b$/m);
  assert.match(d, /^ReadWritePaths=\/var\/spool\/in$/m);
  assert.match(d, /verify against \/etc\/sigrun\/trusted;/);
  const o = systemdUnit({ config: "/opt/sigrun/agent.json", state: "/var/lib/sigrun", inbox: "/in" });
  assert.match(o, /^ExecStart=\/usr\/bin\/sigrun agent --config \/opt\/sigrun\/agent\.json$/m);
  assert.doesNotMatch(
    o,
    /^ConfigurationDirectory=/m,
    "systemd would create /etc/sigrun, not the config's dir",
  );
  assert.match(
    systemdUnit({ config: "/etc/sigrun-b/agent.json", state: "/x", inbox: "/y" }),
    /^ConfigurationDirectory=sigrun-b$/m,
  );
});
