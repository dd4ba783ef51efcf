/**
 * Which Cedar actions each Cedar-gated host function may request, by its registered name (`cat`,
 * `FileHandle.read_gzip_lines`; the binder's names). Written by hand from the bindings (src/runner/bind,
 * src/host) and kept honest by host-actions.test.ts, which fails when a gated function has no entry or
 * when a real run of a host case requests an action its function's entry does not list.
 *
 * Each entry: `required ; optional`, space-separated. A required item is requested by every call that
 * gets past its argument checks (`a|b`: either one suffices — `read|redacted_read` falls back to the
 * redacted read); an optional item only on some paths (a create flag, a symlink, each entry of a walk,
 * filtered listings). A bare verb is `file_system`; other namespaces are written `ns:verb`.
 */
const TABLE: Readonly<Record<string, string>> = {
  "DirConfig.open": "open ; create",
  "DirEntry.metadata": "stat",
  "DirEntry.open_as_dir": "open ; create",
  "DirEntry.open_as_file": "open ; create",
  "DirHandle.chmod": "chmod",
  "DirHandle.create_symlink": "create ; delete",
  "DirHandle.delete": "delete",
  "DirHandle.disk_usage": "; open read stat",
  "DirHandle.find": "; open read stat",
  "DirHandle.get_ownership": "stat",
  "DirHandle.list_entries": "read",
  "DirHandle.metadata": "stat",
  "DirHandle.move": "move ; create open write",
  "DirHandle.open_file": "open ; create",
  "DirHandle.open_symlink": "open",
  "DirHandle.read_link_target": "read|redacted_read",
  "DirHandle.set_ownership": "chown ; stat",
  "FileHandle.chmod": "chmod",
  "FileHandle.compress_gzip": "read|redacted_read write",
  "FileHandle.copy": "write ; read redacted_read create open",
  "FileHandle.counts": "read|redacted_read ; open",
  "FileHandle.delete": "delete",
  "FileHandle.disk_usage": "stat",
  "FileHandle.elf_info": "read|redacted_read",
  "FileHandle.execute": "execute",
  "FileHandle.extract_archive": "; read redacted_read open create write chmod chown",
  "FileHandle.extract_strings": "read|redacted_read",
  "FileHandle.fallocate": "write",
  "FileHandle.get_ownership": "stat",
  "FileHandle.gzip_info": "read|redacted_read",
  "FileHandle.metadata": "stat",
  "FileHandle.move": "move ; create open write",
  "FileHandle.read": "read|redacted_read ; open",
  "FileHandle.read_gzip_lines": "read|redacted_read ; open",
  "FileHandle.read_lines": "read|redacted_read ; open",
  "FileHandle.read_page": "read|redacted_read ; open",
  "FileHandle.search": "read|redacted_read ; open",
  "FileHandle.search_gzip": "read|redacted_read ; open",
  "FileHandle.search_gzip_exists": "read|redacted_read ; open",
  "FileHandle.set_ownership": "chown ; stat",
  "FileHandle.truncate": "write",
  "FileHandle.verify_cert": "read|redacted_read",
  "FileHandle.verify_cert_chain": "read|redacted_read",
  "FileHandle.write": "write ; create open",
  "FileHandle.write_in_place": "write",
  "Filesystems.filesystems": "; read redacted_read stat",
  "Filesystems.iostat": "; open read redacted_read",
  "ProcessManager.ipcs_info": "; open read redacted_read",
  "ProcessManager.kill": "process_system:kill|process_system:interrupt",
  "ProcessManager.list_open_files": "; process_system:list_fds open read redacted_read",
  "ProcessManager.monitor_processes_cpu": "; process_system:list",
  "ProcessManager.nsenter":
    "; process_system:list process_system:mount_namespace process_system:network_namespace network_namespace",
  "ProcessManager.processes": "; process_system:list",
  "ProcessManager.processes_using_inode": "; process_system:list_fds open read redacted_read",
  "ProcessManager.trace": "process_system:trace",
  "Request.send": "network:GET",
  "SymlinkHandle.metadata": "stat ; read",
  "SymlinkHandle.set_ownership": "chown",
  "SysctlManager.find": "; open read redacted_read",
  "SysctlManager.load_system": "sysctl:load ; open read redacted_read write",
  "SysctlManager.read": "read|redacted_read ; open",
  "SysctlManager.write": "write ; open",
  "SystemInfo.cpu_count": "sysinfo:list",
  "SystemInfo.dmesg_info": "; read redacted_read open",
  "SystemInfo.hostname": "sysinfo:list",
  "SystemInfo.kernel_stats": "; read redacted_read open",
  "SystemInfo.memory_info": "; read redacted_read open",
  "SystemInfo.resolve_hostname": "sysinfo:resolve_hostname",
  "SystemInfo.slab_info": "; read redacted_read open",
  "SystemInfo.swap_info": "; read redacted_read open",
  "SystemInfo.uname_info": "sysinfo:list",
  "SystemctlManager.daemon_reload": "systemd:daemon_reload",
  "SystemctlManager.restart": "systemd:restart",
  "SystemctlManager.start": "systemd:start",
  "SystemctlManager.status": "systemd:status",
  "SystemctlManager.stop": "systemd:stop",
  "SystemctlManager.try_restart": "systemd:restart",
  awk_count_unique: "open read|redacted_read",
  awk_field: "open read|redacted_read",
  awk_filter: "open read|redacted_read",
  awk_filter_field: "open read|redacted_read",
  awk_filter_range: "open read|redacted_read",
  awk_sum: "open read|redacted_read",
  cat: "open read|redacted_read",
  connect: "network:connect",
  cp: "open read|redacted_read create ; write",
  curl: "network:GET",
  df: "; read redacted_read stat",
  dmesg: "; read redacted_read open",
  du: "open read ; stat",
  find_files: "open read ; stat",
  free: "; read redacted_read open",
  grep: "open read|redacted_read",
  hostname: "sysinfo:list",
  iostat: "; open read redacted_read",
  ip_addr: "sysinfo:list",
  ip_addresses: "sysinfo:list",
  kill: "process_system:kill",
  ls: "open read",
  lsblk: "; open read redacted_read",
  mkdir: "open ; create",
  mv: "open move ; create write",
  netstat: "; open read redacted_read",
  network_stats: "; open read redacted_read",
  nproc: "sysinfo:list",
  ps: "; process_system:list",
  resolve: "sysinfo:resolve_hostname",
  rm: "open delete",
  sed: "open read|redacted_read write",
  sysctl_find: "; open read redacted_read",
  sysctl_read: "read|redacted_read ; open",
  sysctl_write: "write ; open",
  tail: "open read|redacted_read",
  touch: "open create",
  uname: "sysinfo:list",
  unmount: "unmount",
  wc: "open read|redacted_read",
  write: "open create write ; read redacted_read",
};

/** The Cedar actions one host function may request, each as `ns::Action::"verb"`. */
export interface HostActions {
  /** Each group: one of its actions is requested (and must be permitted) by every call. */
  readonly required: readonly (readonly string[])[];
  /** Requested on some paths only. */
  readonly optional: readonly string[];
}

const action = (item: string): string => {
  const i = item.indexOf(":");
  const [ns, verb] = i < 0 ? ["file_system", item] : [item.slice(0, i), item.slice(i + 1)];
  return `${ns}::Action::${JSON.stringify(verb)}`;
};

/** The entry of a registered host function name, or undefined for a name that makes no Cedar request. */
export function hostActions(name: string): HostActions | undefined {
  const spec = Object.hasOwn(TABLE, name) ? TABLE[name] : undefined;
  if (spec === undefined) return undefined;
  const [req = "", opt = ""] = spec.split(";");
  const words = (s: string): string[] => s.split(" ").filter((w) => w !== "");
  return {
    required: words(req).map((w) => w.split("|").map(action)),
    optional: words(opt).map(action),
  };
}

/** Every registered name the table knows (the Cedar-gated host functions). */
export function hostActionNames(): string[] {
  return Object.keys(TABLE);
}

/** Every action an entry lists, required or optional. */
export function allActions(a: HostActions): string[] {
  return [...new Set([...a.required.flat(), ...a.optional])];
}
