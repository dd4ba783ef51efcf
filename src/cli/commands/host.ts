import type { Command } from "commander";
import { printJson } from "../io.js";

interface AddFlags {
  alias?: string;
  ssh?: string;
  hostname?: string;
  agent?: string;
  hostKeyFingerprint?: string;
  replace?: boolean;
  yes?: boolean;
  remoteSigrun?: string;
  remoteState?: string;
  remoteTrust?: string;
  tokenFile?: string;
  ca?: string;
  clientCert?: string;
  clientKey?: string;
  json?: boolean;
}

async function configDir(): Promise<string> {
  const { sigrunConfigDir } = await import("../../remote/index.js");
  return sigrunConfigDir();
}

/** Asks on the terminal: y/yes is yes; with `enterIsYes` an empty answer is yes too. */
async function ask(question: string, enterIsYes: boolean): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const a = (await rl.question(question)).trim();
    return /^y(es)?$/i.test(a) || (enterIsYes && a === "");
  } finally {
    rl.close();
  }
}

function summary(r: import("../../remote/index.js").HostRecord): Record<string, unknown> {
  return {
    name: r.name,
    transport: r.transport,
    target: r.ssh ? `${r.ssh.user}@${r.ssh.host}:${r.ssh.port}` : r.agent?.url,
    status: r.receiptKey && r.jobKey ? "ready" : "pending",
    hostId: r.hostId ?? null,
    sshHostKey: r.ssh?.hostKey.fingerprint ?? null,
    receiptKeyId: r.receiptKey?.keyId ?? null,
    jobKey: r.jobKey ?? null,
    remoteCommand: r.ssh
      ? `${r.ssh.remote.sigrun} agent --stdin --state ${r.ssh.remote.state} --trust ${r.ssh.remote.trust}`
      : null,
    added: r.added,
    pinned: r.pinned ?? null,
  };
}

export function register(program: Command): void {
  const host = program
    .command("host")
    .description("hosts for sealed execution (sigrun execute): add (pin keys), list, show, remove");

  host
    .command("add [name]")
    .description(
      "add a host: make a per-host Ed25519 client key (under $XDG_CONFIG_HOME/sigrun/hosts/NAME, 0700/0600), pin the " +
        "host's SSH host key in sigrun's own known_hosts, print the command that installs the key on the host " +
        'restricted to `restrict,command="sigrun agent --stdin …"` (stdout, for eval), then — once installed — fetch ' +
        "and pin the host's receipt key (Ed25519) and job key (X25519) over that channel. On a terminal it waits " +
        "(Enter) while you install the line; otherwise run it again after installing the line. With --agent, " +
        "pin an HTTP agent's keys instead",
    )
    .option("--alias <name>", "the host's name (same as the NAME argument)")
    .option("--ssh <user@host[:port]>", "reach the host over SSH (the system ssh client)")
    .option("--hostname <[user@]host[:port]>", "same as --ssh; the user defaults to yours")
    .option("--agent <url>", "reach the host's agent over HTTP(S): http(s)://HOST:PORT")
    .option(
      "--host-key-fingerprint <fp>",
      "expected SSH host key (SHA256:…) — or, with --agent, the receipt key: SHA256:… as `sigrun key id` shows it, or its key id sha256:…",
    )
    .option(
      "--token-file <file>",
      "with --agent: the agent's submit-role bearer token, read from this file at each use",
    )
    .option("--ca <file>", "with an https:// --agent: PEM CA that issued the agent's certificate")
    .option(
      "--client-cert <file>",
      "with an https:// --agent: PEM client certificate (an agent with a client CA)",
    )
    .option("--client-key <file>", "the client certificate's PEM key")
    .option("--replace", "re-pin a host whose keys changed")
    .option("--yes", "pin the shown key without asking (trust on first use)")
    // no commander defaults: a second `host add NAME` must keep what the first one was given
    .option("--remote-sigrun <path>", "sigrun on the host, in the forced command (default: sigrun)")
    .option("--remote-state <dir>", "the agent's state dir on the host (default: /var/lib/sigrun)")
    .option("--remote-trust <dir>", "the agent's trust store on the host (default: /etc/sigrun/trusted)")
    .option("--json", "print the result as JSON")
    .action(async (nameArg: string | undefined, o: AddFlags) => {
      const { SigrunError } = await import("../../core/index.js");
      const { hostAdd } = await import("../../remote/index.js");
      const { userInfo } = await import("node:os");
      const name = nameArg ?? o.alias;
      if (!name || (nameArg && o.alias && nameArg !== o.alias))
        throw new SigrunError("USAGE", "host add: give the host's name once (NAME or --alias NAME)");
      if (o.ssh && o.hostname)
        throw new SigrunError("USAGE", "host add: --ssh and --hostname are the same flag; give one");
      const hn = o.hostname;
      const ssh =
        o.ssh ?? (hn === undefined ? undefined : hn.includes("@") ? hn : `${userInfo().username}@${hn}`);
      const agentAuth = {
        tokenFile: o.tokenFile,
        ca: o.ca,
        clientCert: o.clientCert,
        clientKey: o.clientKey,
      };
      if (!o.agent && Object.values(agentAuth).some((v) => v !== undefined))
        throw new SigrunError(
          "USAGE",
          "host add: --token-file, --ca, --client-cert and --client-key need --agent",
        );
      const tty = process.stdin.isTTY && process.stderr.isTTY;
      let shown = false;
      // On a terminal one `host add` does it all: show the install line, wait for Enter, pin the keys.
      const waitForInstall = async (cmd: string): Promise<boolean> => {
        if (!shown) process.stdout.write(`${cmd}\n`);
        else process.stderr.write(`sigrun host add: the key is still not accepted by ${name}\n`);
        shown = true;
        return ask(
          `sigrun host add: install this restricted key on ${name} (run the line above), then press Enter to pin its receipt and job keys (n: later, with \`sigrun host add ${name}\`): `,
          true,
        );
      };
      const r = await hostAdd({
        configDir: await configDir(),
        name,
        ssh,
        agent: o.agent,
        agentAuth,
        hostKeyFingerprint: o.hostKeyFingerprint,
        replace: o.replace,
        yes: o.yes,
        remote: { sigrun: o.remoteSigrun, state: o.remoteState, trust: o.remoteTrust },
        confirm: tty ? (q) => ask(q, false) : undefined,
        waitForInstall: tty && !o.json ? waitForInstall : undefined,
        log: (line) => process.stderr.write(`sigrun host add: ${line}\n`),
      });
      if (o.json) {
        printJson({
          ...summary(r.record),
          authorizedKeysLine: r.authorizedKeysLine ?? null,
          installCommand: r.installCommand ?? null,
        });
        return;
      }
      if (r.status === "pending" && shown)
        process.stderr.write(
          `sigrun host add: ${name} pending — once the line is installed, run \`sigrun host add ${name}\` to pin its keys\n`,
        );
      else if (r.status === "pending") {
        process.stderr.write(
          `sigrun host add: install this restricted key on ${name} (run the line below, or eval "$(sigrun host add …)"),\n` +
            `then run \`sigrun host add ${name}\` again to pin its receipt and job keys:\n`,
        );
        process.stdout.write(`${r.installCommand}\n`);
      } else
        process.stderr.write(
          `sigrun host add: ${name} ready — receipt key ${r.record.receiptKey!.keyId}, job key ${r.record.jobKey}\n`,
        );
    });

  host
    .command("list")
    .description("list hosts: name, transport, target, ready or pending, receipt key")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }) => {
      const { listHosts } = await import("../../remote/index.js");
      const hosts = listHosts(await configDir()).map(summary);
      if (o.json) return printJson(hosts);
      for (const h of hosts)
        process.stdout.write(
          `${h.name}\t${h.transport}\t${h.target}\t${h.status}\t${h.receiptKeyId ?? "-"}\n`,
        );
    });

  host
    .command("show <name>")
    .description("show a host's pinned keys and its forced command")
    .option("--json", "print JSON")
    .action(async (name: string, o: { json?: boolean }) => {
      const { loadHost } = await import("../../remote/index.js");
      const h = summary(loadHost(await configDir(), name));
      if (o.json) return printJson(h);
      for (const [k, v] of Object.entries(h)) process.stdout.write(`${k}: ${v ?? "-"}\n`);
    });

  host
    .command("remove <name>")
    .description(
      "forget a host: its client key, pinned keys and known_hosts (remove its authorized_keys line on the host yourself)",
    )
    .option("--json", "print JSON")
    .action(async (name: string, o: { json?: boolean }) => {
      const { removeHost } = await import("../../remote/index.js");
      removeHost(await configDir(), name);
      if (o.json) printJson({ removed: name });
      else process.stderr.write(`sigrun host remove: ${name} removed\n`);
    });
}
