/**
 * Lua scripts of the Redis backend. Each runs atomically in Redis and mirrors one MemoryBackend method.
 * KEYS: 1 record (JSON string), 2 away-buffer of role a, 3 away-buffer of role b.
 * ARGV: 1 channel prefix (role letter appended), 2 now (unix ms), then per script.
 * Channel messages and buffer entries: [len u8][conn id][delivery] (buffer entries: delivery only).
 */
const PRELUDE = `
local now = tonumber(ARGV[2])
local function chan(r) return ARGV[1] .. r end
local function bkey(r) if r == 'a' then return KEYS[2] else return KEYS[3] end end
local function other(r) if r == 'a' then return 'b' else return 'a' end end
local function getf(rec, base, r) return rec[base .. string.upper(r)] end
local function setf(rec, base, r, v) rec[base .. string.upper(r)] = v end
local function pub(r, c, body) redis.call('PUBLISH', chan(r), string.char(#c) .. c .. body) end
local function ttl(rec) return math.floor(math.max(1000, rec.expiresAt - now + 60000)) end
local function save(rec) redis.call('SET', KEYS[1], cjson.encode(rec), 'PX', ttl(rec)) end
local function deliver(rec, r, body, maxN, maxB)
  local c = getf(rec, 'conn', r)
  if c ~= '' then pub(r, c, body) return true end
  local n = getf(rec, 'bufN', r) or 0
  local b = getf(rec, 'bufB', r) or 0
  if maxN and (n >= maxN or b + #body > maxB) then return false end
  redis.call('RPUSH', bkey(r), body)
  redis.call('PEXPIRE', bkey(r), ttl(rec))
  setf(rec, 'bufN', r, n + 1)
  setf(rec, 'bufB', r, b + #body)
  return true
end
local function closeS(rec, by, reason)
  for _, r in ipairs({'a', 'b'}) do
    local c = getf(rec, 'conn', r)
    if c ~= '' and r ~= by then
      local who = 'relay'
      if by ~= '' then who = 'peer' end
      pub(r, c, string.char(5) .. cjson.encode({reason = reason, by = who}))
    end
  end
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
end
local function expired(rec)
  if now >= rec.expiresAt then
    if rec.joined then return 'session expired' else return 'nobody joined in time' end
  end
  if rec.graceA > 0 and now >= rec.graceA then return 'peer did not come back' end
  if rec.graceB > 0 and now >= rec.graceB then return 'peer did not come back' end
  return nil
end
local function live()
  local s = redis.call('GET', KEYS[1])
  if not s then return nil, 'SESSION_NOT_FOUND' end
  local rec = cjson.decode(s)
  local why = expired(rec)
  if why then
    closeS(rec, '', why)
    return nil, 'SESSION_EXPIRED'
  end
  return rec, nil
end
`;

/** ARGV 3 token hash, 4 context, 5 conn → {'OK', record json} | {code}. */
export const JOIN = `${PRELUDE}
local rec, err = live()
if not rec then return {err} end
if rec.joined then return {'SESSION_FULL'} end
rec.joined = true
rec.tokenB = ARGV[3]
rec.contextB = ARGV[4]
rec.connB = ARGV[5]
rec.expiresAt = rec.maxExpiresAt
local ctx = cjson.null
if ARGV[4] ~= '' then ctx = ARGV[4] end
deliver(rec, 'a', string.char(2) .. cjson.encode({context = ctx, expiresAt = rec.expiresAt}))
save(rec)
return {'OK', cjson.encode(rec)}
`;

/** ARGV 3 role, 4 token hash, 5 conn → {'OK', record json, buffered...} | {code}. */
export const RESUME = `${PRELUDE}
local rec, err = live()
if not rec then return {err} end
local r = ARGV[3]
local expected = getf(rec, 'token', r)
if expected == '' or expected ~= ARGV[4] then return {'UNAUTHORIZED'} end
local old = getf(rec, 'conn', r)
if old ~= '' then pub(r, old, string.char(6) .. '{}') end
setf(rec, 'conn', r, ARGV[5])
setf(rec, 'grace', r, 0)
local buf = redis.call('LRANGE', bkey(r), 0, -1)
redis.call('DEL', bkey(r))
setf(rec, 'bufN', r, 0)
setf(rec, 'bufB', r, 0)
if old == '' and rec.joined then deliver(rec, other(r), string.char(4) .. '{}') end
save(rec)
local out = {'OK', cjson.encode(rec)}
for _, v in ipairs(buf) do out[#out + 1] = v end
return out
`;

/** ARGV 3 role, 4 conn, 5 grace ms → 'OK'. */
export const LEAVE = `${PRELUDE}
local s = redis.call('GET', KEYS[1])
if not s then return 'OK' end
local rec = cjson.decode(s)
local r = ARGV[3]
if getf(rec, 'conn', r) ~= ARGV[4] then return 'OK' end
local g = tonumber(ARGV[5])
if g <= 0 then
  closeS(rec, r, 'peer disconnected')
  return 'OK'
end
setf(rec, 'conn', r, '')
setf(rec, 'grace', r, now + g)
if rec.joined then deliver(rec, other(r), string.char(3) .. cjson.encode({graceMs = g})) end
save(rec)
return 'OK'
`;

/** ARGV 3 role, 4 conn, 5 delivery (kind 1 + data), 6 max frames, 7 max bytes → 'OK' | code. */
export const SEND = `${PRELUDE}
local rec, err = live()
if not rec then return err end
local r = ARGV[3]
if getf(rec, 'conn', r) ~= ARGV[4] then return 'UNAUTHORIZED' end
if not rec.joined then return 'PROTOCOL_ERROR' end
local o = other(r)
local c = getf(rec, 'conn', o)
if c ~= '' then
  pub(o, c, ARGV[5])
  return 'OK'
end
if not deliver(rec, o, ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])) then
  closeS(rec, '', 'buffer limit reached while a peer was away')
  return 'LIMIT_EXCEEDED'
end
save(rec)
return 'OK'
`;

/** ARGV 3 role or '', 4 conn, 5 reason → 'OK' | code. */
export const CLOSE = `${PRELUDE}
local rec, err = live()
if not rec then return err end
local r = ARGV[3]
if r ~= '' and getf(rec, 'conn', r) ~= ARGV[4] then return 'UNAUTHORIZED' end
closeS(rec, r, ARGV[5])
return 'OK'
`;

/** → 'OK' (closes the session if a deadline passed). */
export const SWEEP = `${PRELUDE}
live()
return 'OK'
`;
