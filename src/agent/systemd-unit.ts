/** The systemd unit `sigrun agent init` writes (also examples/systemd/sigrun-agent.service). */
export function systemdUnit(opts: {
  config: string;
  state: string;
  /** The inbox directory, when the config has one (it must be writable under ProtectSystem=strict). */
  inbox?: string;
  trust?: string;
  bin?: string;
  /** More `sigrun agent` flags for ExecStart= (e.g. `--log-format json`). */
  args?: readonly string[];
}): string {
  // the paths given, not the defaults: a state dir outside /var/lib gets no StateDirectory= (systemd would
  // create /var/lib/sigrun instead) and must be writable under ProtectSystem=strict
  const trust = opts.trust ?? "/etc/sigrun/trusted";
  const underVarLib = /^\/var\/lib\/[A-Za-z0-9._/-]+$/.test(opts.state);
  const stateLines = underVarLib
    ? `StateDirectory=${opts.state.slice("/var/lib/".length)}\nStateDirectoryMode=0700`
    : `# state dir ${opts.state}: create it owned by sigrun, mode 0700 (the agent refuses one open to others)`;
  const rw = [opts.inbox, underVarLib ? undefined : opts.state].filter((x) => x !== undefined).join(" ");
  const rwLine =
    rw === ""
      ? "# no ReadWritePaths=: the state dir is the StateDirectory= above, no inbox"
      : `ReadWritePaths=${rw}`;
  const exec = [`${opts.bin ?? "/usr/bin/sigrun"} agent --config ${opts.config}`, ...(opts.args ?? [])].join(
    " ",
  );
  // ConfigurationDirectory= is relative to /etc: only a config inside /etc/<dir>/ gets one
  const confDir = /^\/etc\/([A-Za-z0-9._-]+)\/[^/]+$/.exec(opts.config)?.[1];
  const confLine = confDir
    ? `ConfigurationDirectory=${confDir}`
    : `# config ${opts.config}: keep it (and its directory) owned by root, readable by sigrun`;
  return `# sigrun agent: runs only bundles that verify against ${trust}; signs a receipt for every job.
# Install: useradd --system --home-dir /var/lib/sigrun --shell /usr/sbin/nologin sigrun
#          cp sigrun-agent.service /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now sigrun-agent
${opts.inbox === undefined ? "" : "# Writers drop bundles into the inbox as the sigrun group (temp name + rename).\n"}[Unit]
Description=sigrun agent (verify-then-run, signed receipts, audit log)
Documentation=https://github.com/sigrun/sigrun/blob/main/docs/cli.md#agent
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${exec}
Restart=on-failure
RestartSec=2s
# SIGTERM: stop intake, finish running jobs, write a signed audit checkpoint.
KillSignal=SIGTERM
TimeoutStopSec=90s
User=sigrun
Group=sigrun
${stateLines}
${confLine}
${rwLine}
# The agent sets the modes it means explicitly: inbox receipts 0640, inbox dirs it creates 0750, state 0600/0700.
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=no
# (V8's JIT needs writable+executable memory, so MemoryDenyWriteExecute stays off.)
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @mount @debug @cpu-emulation @obsolete @raw-io @reboot @swap
CapabilityBoundingSet=
AmbientCapabilities=
LimitNOFILE=65536
MemoryMax=2G
TasksMax=256

[Install]
WantedBy=multi-user.target
`;
}

export const DEFAULT_UNIT_PATHS = {
  config: "/etc/sigrun/agent.json",
  state: "/var/lib/sigrun",
  inbox: "/var/spool/sigrun/inbox",
} as const;
