// What the clients (submit --wait, fleet ls) read off a queue server is capped at the transport, before a
// record is parsed: anyone who may publish on the queue could otherwise make the client hold gigabytes.
// Redis: Lua scripts measure each value on the server and send an oversized one as its length only, and a
// read returns a bounded batch. NATS: each message is at most the server's max_payload; a pull batch holds
// at most NATS_BATCH_BYTES of them, and a message over the cap is dropped unread. Either way the record is
// skipped and reported as a TOO_LARGE error (the wait goes on: one bad record must not end a fan-out).
import type { Redis } from "ioredis";
import { SigrunError } from "../../core/index.js";

/** Largest receipt record read (a receipt envelope's own parse cap, agent/dsse.ts). */
export const MAX_RECEIPT_RECORD_BYTES = 1024 * 1024;
/** Largest heartbeat record read (its parse cap is 16 KiB; docs/spec/fleet-heartbeat.md). */
export const MAX_HEARTBEAT_RECORD_BYTES = 64 * 1024;
/** Bytes one JetStream pull batch may bring (the batch size follows the server's max_payload). */
const NATS_BATCH_BYTES = 16 * 1024 * 1024;
/** Bytes of values one Redis read returns (at least one record, itself capped). */
const REDIS_BATCH_BYTES = 4 * 1024 * 1024;

/** Told about each record skipped for its size (a TOO_LARGE error naming where and how big). */
export type OnOversized = (err: SigrunError) => void;

export function oversized(where: string, bytes: number, max: number): SigrunError {
  return new SigrunError(
    "TOO_LARGE",
    `${where}: skipped a record of ${bytes} bytes (a client reads at most ${max})`,
  );
}

/** Messages per JetStream pull so that a batch holds at most NATS_BATCH_BYTES (1 to 256). */
export function natsBatch(maxPayload: number | undefined): number {
  const p = maxPayload && maxPayload > 0 ? maxPayload : 1024 * 1024;
  return Math.max(1, Math.min(256, Math.floor(NATS_BATCH_BYTES / p)));
}

const TAIL = `local e = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if e[1] then return e[1][1] end
return '0-0'`;

// entries after ARGV[1]: {id, value of field ARGV[4] (or '' when over ARGV[2] bytes), its size when over}
const READ = `local max = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local out = {}
local used = 0
local es = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', 100)
for _, e in ipairs(es) do
  local f = e[2]
  local v = ''
  local big = 0
  for i = 1, #f - 1, 2 do
    if f[i] == ARGV[4] then
      if #f[i + 1] > max then big = #f[i + 1] else v = f[i + 1] end
    end
  end
  if #out > 0 and used + #v > budget then break end
  used = used + #v
  out[#out + 1] = {e[1], v, big}
end
return out`;

// string values of KEYS: {value (or '' when over ARGV[1] bytes), its size when over, -1 when not a string}
const GET = `local max = tonumber(ARGV[1])
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('TYPE', k)['ok'] == 'string' then
    local n = redis.call('STRLEN', k)
    if n > max then out[i] = {'', n} else out[i] = {redis.call('GET', k), 0} end
  else
    out[i] = {'', -1}
  end
end
return out`;

/** The id of a Redis stream's last entry ('0-0' when empty or missing), without reading the entry. */
export async function redisStreamTail(r: Redis, key: string): Promise<string> {
  return String(await r.call("EVAL", TAIL, "1", key));
}

/**
 * Entries of stream `key` after `after`, field `field` of each, at most `max` bytes per value; an
 * oversized value is not sent (reported through `onOversized`). Returns the records and the last id read.
 */
export async function redisReadCapped(
  r: Redis,
  key: string,
  after: string,
  field: string,
  max: number,
  onOversized?: OnOversized,
): Promise<{ last: string; values: Uint8Array[] }> {
  const rows = (await r.callBuffer(
    "EVAL",
    READ,
    "1",
    key,
    after,
    String(max),
    String(REDIS_BATCH_BYTES),
    field,
  )) as [Buffer, Buffer, number][];
  let last = after;
  const values: Uint8Array[] = [];
  for (const [id, value, big] of rows) {
    last = id.toString();
    if (big > 0) onOversized?.(oversized(`redis ${key} entry ${last}`, big, max));
    else if (value.byteLength > 0) values.push(new Uint8Array(value));
  }
  return { last, values };
}

/** The string values of `keys` (undefined: gone or not a string; a TOO_LARGE error: over `max` bytes, unread). */
export async function redisGetCapped(
  r: Redis,
  keys: readonly string[],
  max: number,
): Promise<(Uint8Array | SigrunError | undefined)[]> {
  if (keys.length === 0) return [];
  const rows = (await r.callBuffer("EVAL", GET, String(keys.length), ...keys, String(max))) as [
    Buffer,
    number,
  ][];
  return rows.map(([value, big], i) => {
    if (big > 0) return oversized(`redis ${keys[i]}`, big, max);
    return big === 0 ? new Uint8Array(value) : undefined;
  });
}
