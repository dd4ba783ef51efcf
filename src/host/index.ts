export type { CheckOptions, HostContext, HostLog } from "./context.js";
export { check } from "./context.js";
export type { DateTime, DateTimeFormat } from "./datetime.js";
export * as datetime from "./datetime.js";
export type { Filesystem, FilesystemOptions, Unit } from "./disk/df.js";
export { filesystems, formatBytes } from "./disk/df.js";
export { FALLOCATE_BINARY, fallocateFile } from "./disk/fallocate.js";
export type { CpuStats, DeviceStats, IoStatSnapshot } from "./disk/iostat.js";
export { iostat, iostatText } from "./disk/iostat.js";
export type { BlockDevice } from "./disk/lsblk.js";
export { lsblk } from "./disk/lsblk.js";
export { unmount } from "./disk/unmount.js";
export type { ErrorSource, IoErrorKind } from "./errors.js";
export { HostError, IO_ERROR_KINDS, isHostError, permissionDeniedMessage } from "./errors.js";
export type { ArchiveMember, ArchiveReader, ExtractArchiveOptions } from "./fs/archive.js";
export { extractArchive, MAX_ARCHIVE_BYTES, MAX_ARCHIVE_ENTRIES } from "./fs/archive.js";
export { verifyCert, verifyCertChain } from "./fs/cert.js";
export { findFiles, ls } from "./fs/commands-dir.js";
export type { GrepOptions, SedOptions, TailOptions } from "./fs/commands-read.js";
export {
  awkCountUnique,
  awkField,
  awkFilter,
  awkFilterField,
  awkFilterRange,
  awkSplit,
  awkSum,
  cat,
  grep,
  MAX_SEQ_VALUES,
  replaceText,
  sed,
  seq,
  tail,
  wc,
} from "./fs/commands-read.js";
export { cp, mkdir, mv, rm, touch, write } from "./fs/commands-write.js";
export type { OpenDirOptions } from "./fs/dir.js";
export { DirHandle, openDir } from "./fs/dir.js";
export { openEntryAsDir, openEntryAsFile } from "./fs/dir-entry-open.js";
export { moveDir } from "./fs/dir-move.js";
export type { DirEntry, EntryType } from "./fs/dir-ops.js";
export {
  checkDir,
  deleteDir,
  dirMetadata,
  entryMetadata,
  listEntries,
  statType,
  walk,
} from "./fs/dir-ops.js";
export type { DirWalkOptions, EntryStat, WalkEvent } from "./fs/dir-walk.js";
export { rexDirWalk, walkEntryMetadata } from "./fs/dir-walk.js";
export type { DiskUsageEntry, DiskUsageOptions, DiskUsageResult } from "./fs/disk-usage.js";
export { dirDiskUsage, fileDiskUsage } from "./fs/disk-usage.js";
export type { DuEntry, DuOptions } from "./fs/du.js";
export { du } from "./fs/du.js";
export type { ElfInfo } from "./fs/elf.js";
export { elfInfo } from "./fs/elf.js";
export { closeAll, procFdAvailable } from "./fs/fd.js";
export type { OpenFileOptions } from "./fs/file.js";
export { checkFile, FileHandle, openFileFromPath, openFileIn } from "./fs/file.js";
export { countFile, readFileLines, readPage, searchFile } from "./fs/file-search.js";
export { extractStrings } from "./fs/file-strings.js";
export { copyFile, moveFile, writeAtomic } from "./fs/file-transfer.js";
export type { FindOptions, SizeRange, SizeUnit } from "./fs/find.js";
export { find, sizeMatches, unitBytes } from "./fs/find.js";
export type { GzipInfo, SearchGzipOptions } from "./fs/gzip.js";
export { compressGzip, gzipInfo, readGzipLines, searchGzip } from "./fs/gzip.js";
export type { Ownership, SetOwnershipOptions } from "./fs/ownership.js";
export { chmodDir, chmodFile, getOwnership, setDirOwnership, setFileOwnership } from "./fs/ownership.js";
export {
  createSymlink,
  openSymlink,
  readLinkTarget,
  SymlinkHandle,
  setSymlinkOwnership,
  symlinkMetadata,
} from "./fs/symlink.js";
export { truncateFile } from "./fs/truncate.js";
export { MAX_PATH_BYTES, validatePath } from "./path.js";
export type { RegexMatch, RegexOptions, ScriptRegex } from "./regex.js";
export { compileGlob, compileRegex, MAX_PATTERN_LENGTH } from "./regex.js";
export type { Connection, NetworkInterface, TransportProtocol } from "./sys/connect.js";
export { connect, ipAddresses } from "./sys/connect.js";
export type { DmesgEntry } from "./sys/dmesg.js";
export { dmesg } from "./sys/dmesg.js";
export type { ExecArg, ExecuteOptions, ExecuteResult } from "./sys/execute.js";
export { argumentsEntity, CAPABILITY_NAMES, environmentEntity, execute } from "./sys/execute.js";
export type { CpuTime, KernelStats } from "./sys/kernel-stats.js";
export { CPU_TIME_FIELDS, kernelStats, parseKernelStats } from "./sys/kernel-stats.js";
export type { InternetConnection, NetworkStats, SocketProcess, UnixSocket } from "./sys/netstat.js";
export { hexAddr, networkStats, TCP_STATES, UNIX_STATES } from "./sys/netstat.js";
export type { HttpResponse } from "./sys/network.js";
export { DEFAULT_MAX_TEXT_BYTES, httpGet } from "./sys/network.js";
export type { AccessType, FuserInfo, IpcsInfo, OpenFileInfo } from "./sys/open-files.js";
export { ipcsInfo, ipcsText, listOpenFiles, processesUsingInode } from "./sys/open-files.js";
export type { ManagedProcess } from "./sys/proc-read.js";
export type { ProcessInfo } from "./sys/process.js";
export { kill, ps } from "./sys/process.js";
export type { KillOptions, KillSignal, MonitorOptions } from "./sys/process-manager.js";
export { MAX_MONITOR_MS, ProcessManager } from "./sys/process-manager.js";
export type { NamespaceOptions } from "./sys/process-refused.js";
export { nsenter, traceProcess } from "./sys/process-refused.js";
export type { ResolveOptions } from "./sys/resolve-hostname.js";
export { MAX_RESOLVE_TIMEOUT_SECONDS, resolveHostname } from "./sys/resolve-hostname.js";
export type { SlabEntry, SlabInfo, SlabSummary } from "./sys/slabinfo.js";
export {
  parseSlabinfo,
  slabActiveSizeKb,
  slabCacheSizeKb,
  slabInfo,
  slabObjSizeKb,
  slabSummaryText,
  slabUsePercent,
} from "./sys/slabinfo.js";
export type { SysctlEntry } from "./sys/sysctl.js";
export { sysctlFind, sysctlRead, sysctlWrite } from "./sys/sysctl.js";
export { sysctlLoadSystem } from "./sys/sysctl-load.js";
export type { UnameInfo } from "./sys/sysinfo.js";
export { free, hostname, nproc, resolve, uname } from "./sys/sysinfo.js";
export type { Meminfo, Swapinfo } from "./sys/system-info.js";
export {
  cpuCount,
  meminfoText,
  memoryInfo,
  swapInfo,
  swapinfoText,
  sysHostname,
  systemInfo,
  unameInfo,
} from "./sys/system-info.js";
export type { ServiceInfo, ServiceState } from "./sys/systemd.js";
export {
  daemonReload,
  isActiveState,
  SERVICE_STATES,
  serviceStatus,
  stateOf,
  systemctlManager,
  systemdUnitAction,
} from "./sys/systemd.js";
