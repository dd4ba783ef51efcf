import { SigrunError } from "./errors.js";

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * The one listen-address grammar of every sigrun server (agent HTTP, relay, store):
 * `HOST:PORT` (a host name or IPv4 address), `[IPV6]:PORT`, or `:PORT` for every interface (0.0.0.0).
 * PORT is 0–65535 (0 = any free port). Anything else is a USAGE error naming `field`.
 */
export function parseListenAddress(text: string, field = "listen address"): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535)
    throw new SigrunError(
      "USAGE",
      `${field}: expected HOST:PORT, [IPV6]:PORT or :PORT, got ${JSON.stringify(text)}`,
    );
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}
