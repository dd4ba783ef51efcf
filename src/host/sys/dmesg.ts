import { closeSync, constants, openSync, readFileSync, readSync } from "node:fs";
import { checkPath } from "../check-path.js";
import type { HostContext } from "../context.js";
import { errnoCode, HostError, osErrorText } from "../errors.js";

/** One kernel log record (Rex's `DmesgEntry`). */
export interface DmesgEntry {
  timestamp_from_system_start: string;
  message: string;
}

const KMSG = "/dev/kmsg";
/** Cap on records read (the kernel ring buffer holds far fewer). */
export const MAX_DMESG_ENTRIES = 200_000;
const RECORD_BYTES = 8192;

function fmtUptime(us: bigint): string {
  const secs = Number(us) / 1e6;
  return secs.toFixed(6).padStart(12);
}

/** `%a %b %d %H:%M:%S %Y` in local time (chrono), e.g. `Mon Dec 07 01:29:43 2026`. */
function fmtLocal(d: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

function bootTimeSecs(): number {
  const m = /^btime\s+(\d+)/m.exec(readFileSync("/proc/stat", "utf8"));
  return m ? Number(m[1]) : 0;
}

/**
 * Rex's `dmesg()` / `SystemInfo().dmesg_info(DmesgOptions)`: read F(/dev/kmsg), then every record from
 * /dev/kmsg (non-blocking, like rmesg's DevKMsg backend); records without a message are left out.
 * `plain`: the command form fails with a string, the object form with a SysteminfoErrorKind map.
 */
export function dmesg(ctx: HostContext, opts: { humanReadableTime?: boolean }, plain: boolean): DmesgEntry[] {
  checkPath(ctx, "read", "File", KMSG, { source: "SysteminfoErrorKind", plain });
  let fd: number;
  try {
    fd = openSync(KMSG, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new HostError("IoError", osErrorText(err), "SysteminfoErrorKind", plain);
  }
  const out: DmesgEntry[] = [];
  const buf = Buffer.alloc(RECORD_BYTES);
  const boot = opts.humanReadableTime ? bootTimeSecs() : 0;
  try {
    for (let i = 0; i < MAX_DMESG_ENTRIES; i++) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, RECORD_BYTES, null);
      } catch (err) {
        if (errnoCode(err) === "EPIPE") continue; // record overwritten while reading
        if (errnoCode(err) === "EAGAIN") break;
        throw new HostError("IoError", osErrorText(err), "SysteminfoErrorKind", plain);
      }
      if (n === 0) break;
      const rec = buf.toString("utf8", 0, n);
      const semi = rec.indexOf(";");
      if (semi < 0) continue;
      const fields = rec.slice(0, semi).split(",");
      const nl = rec.indexOf("\n", semi);
      const message = rec.slice(semi + 1, nl < 0 ? undefined : nl);
      if (message === "" || fields.length < 3 || !/^\d+$/.test(fields[2]!)) continue;
      const us = BigInt(fields[2]!);
      const ts = opts.humanReadableTime
        ? fmtLocal(new Date((boot + Number(us / 1_000_000n)) * 1000))
        : fmtUptime(us);
      out.push({ timestamp_from_system_start: ts, message });
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
