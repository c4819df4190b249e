-- KEYS[1]: the nick's sessions (hash: session -> "<node> <secret hash> <nick as spelt>"), KEYS[2]:
-- their expiries (score: expiry ms); ARGV[1]: ttl ms, ARGV[2]: most sessions, ARGV[3]: the
-- claimant's session, ARGV[4]: its value, ARGV[5]: its nick as spelt, ARGV[6]: the hash of the
-- presented resume secret, or "". Drops the expired sessions, then puts the claimant in place of the
-- session with that secret, or beside the others while they are under the same spelling and fewer
-- than the most. Returns {1, replaced session, its value}, {1} (added), {0} (taken) or {2} (full).
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, session in ipairs(expired) do
  redis.call('HDEL', KEYS[1], session)
  redis.call('ZREM', KEYS[2], session)
end
local holders = redis.call('HGETALL', KEYS[1])
local replaced, replacedValue
if ARGV[6] ~= '' then
  for i = 1, #holders, 2 do
    if string.match(holders[i + 1], '^%S+ (%S+)') == ARGV[6] then
      replaced, replacedValue = holders[i], holders[i + 1]
      break
    end
  end
end
if replaced then
  redis.call('HDEL', KEYS[1], replaced)
  redis.call('ZREM', KEYS[2], replaced)
else
  for i = 2, #holders, 2 do
    if string.match(holders[i], '(%S+)$') ~= ARGV[5] then
      return {0}
    end
  end
  if #holders / 2 >= tonumber(ARGV[2]) then
    return {2}
  end
end
local ttl = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
if replaced then
  return {1, replaced, replacedValue}
end
return {1}
