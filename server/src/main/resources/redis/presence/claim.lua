-- KEYS as in claims.lua; ARGV[1]: ttl ms, ARGV[2]: most sessions, ARGV[3]: the claimant's session,
-- ARGV[4]: its value, ARGV[5]: its nick as spelt, ARGV[6]: the hash of the presented resume
-- secret, or "". Puts the claimant in place of the session with that secret (remembered as taken
-- over for a ttl, so that its node's re-adding does not put it back), or beside the others when
-- room() allows. Returns {1, replaced session, its value}, {1} (added), {0} (taken) or {2} (full).
local ttl = tonumber(ARGV[1])
if ARGV[6] ~= '' then
  local holders = redis.call('HGETALL', KEYS[1])
  for i = 1, #holders, 2 do
    if string.match(holders[i + 1], '^%S+ (%S+)') == ARGV[6] then
      redis.call('HDEL', KEYS[1], holders[i])
      redis.call('ZADD', KEYS[2], now + ttl, holders[i])
      redis.call('PEXPIRE', KEYS[2], ttl)
      redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
      return {1, holders[i], holders[i + 1]}
    end
  end
end
local outcome = room(ARGV[5], tonumber(ARGV[2]))
if outcome == 1 then
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
end
return {outcome}
