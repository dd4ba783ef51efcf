// Functions that exist under Rex's name and make Rex's Cedar requests, then refuse with Rex's error kind
// because they need what the runner cannot do from Node (docs/spec/runner.md, "refused by design"):
// ProcessManager.trace/nsenter and ExecuteOptions.capabilities/namespace. Permitted = the requests are
// allowed and the refusal's kind comes back; denied = the Cedar deny comes first.
import type { HostCase } from "./index.js";

const LIST = `permit(principal, action == process_system::Action::"list", resource);`;
const USR_BIN = `permit(principal, action == file_system::Action::"open", resource in file_system::Dir::"/usr/bin");`;
const ENV = `DirConfig().path("/usr/bin").build().open(OpenDirOptions().build()).open_file("env", OpenFileOptions().read(true).build())`;
const CATCH = (body: string) =>
  `let r = (); try { r = ${body}; } catch (e) { if e.message.contains("unauthorized to perform") { throw e; } r = \`\${e.kind}: \${e.message}\`; } r`;
/** The first listed process whose pid is the victim's (the HTTP server child of host-api.test.ts). */
const VICTIM = (pid: number | undefined) =>
  `let m = ProcessManager(); let p = m.processes().filter(|x| x.pid == ${pid}); if p.len() != 1 { throw "victim not listed"; }`;

export const REFUSED_CASES: HostCase[] = [
  {
    name: "ProcessManager.trace",
    skip: (e) => (e.victimPid ? false : "no victim process"),
    script: (_d, e) => `${VICTIM(e.victimPid)} ${CATCH(`m.trace(${e.victimPid})`)}`,
    allow: () => `${LIST}\npermit(principal, action == process_system::Action::"trace", resource);`,
    deny: () => LIST,
    output: /^Other: Unable to trace process \d+\. Error details: not supported by this runner/,
  },
  {
    name: "ProcessManager.nsenter",
    skip: (e) => (e.victimPid ? false : "no victim process"),
    script: (_d, e) =>
      `${VICTIM(e.victimPid)} ${CATCH(`m.nsenter(NamespaceOptions().pid(${e.victimPid}).mount(true).net(true).build(), || 42)`)}`,
    allow: () =>
      `${LIST}\npermit(principal, action in [process_system::Action::"mount_namespace", process_system::Action::"network_namespace"], resource);`,
    deny: () => `${LIST}\npermit(principal, action == process_system::Action::"mount_namespace", resource);`,
    output: /^NamespaceOperationError: Namespace operation failed: Failed to enter requested namespaces: /,
  },
  {
    name: "ProcessManager.nsenter",
    script: () =>
      CATCH(`ProcessManager().nsenter(NamespaceOptions().net_ns_name("blue").net(true).build(), || 42)`),
    allow: () =>
      `permit(principal, action == file_system::Action::"network_namespace", resource == file_system::File::"/run/netns/blue");`,
    output: /^NamespaceOperationError: /,
    seq: ['allow network_namespace File::"/run/netns/blue"'],
  },
  {
    name: "FileHandle.execute",
    script: () => CATCH(`${ENV}.execute(ExecuteOptions().capabilities(["CAP_NET_ADMIN"]).build())`),
    allow: () =>
      `${USR_BIN}\npermit(principal, action == file_system::Action::"execute", resource == file_system::File::"/usr/bin/env");`,
    deny: () => USR_BIN,
    output: /^UnsupportedOperationError: Unsupported Operation error: passing capabilities/,
  },
  {
    name: "FileHandle.execute",
    script: () =>
      CATCH(
        `${ENV}.execute(ExecuteOptions().namespace(ChildNamespaceOptions().target_process(1).build()).build())`,
      ),
    allow: () =>
      `${USR_BIN}\npermit(principal, action == file_system::Action::"execute", resource == file_system::File::"/usr/bin/env") when { context has namespace && context.namespace.target_process_id == 1 };`,
    deny: () =>
      `${USR_BIN}\npermit(principal, action == file_system::Action::"execute", resource == file_system::File::"/usr/bin/env") unless { context has namespace };`,
    output: /^ProcessNamespaceFatalError: Process namespace fatal error: /,
  },
];
