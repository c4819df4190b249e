-- KEYS[1]: the nick's sessions, KEYS[2]: their expiries (see claim.lua); ARGV[1]: ttl ms,
-- ARGV[2]: a session, ARGV[3]: its value. Extends the session's claim, or re-creates it when Redis
-- lost the nick's claims altogether. A session missing beside others was taken over or dropped as
-- expired: its claim is lost. Returns 1 kept, 2 re-created, 0 lost.
local ttl = tonumber(ARGV[1])
local holder = redis.call('HGET', KEYS[1], ARGV[2])
local recreated = 0
if holder ~= ARGV[3] then
  if holder or redis.call('EXISTS', KEYS[1]) == 1 then
    return 0
  end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
  recreated = 1
end
redis.call('ZADD', KEYS[2], now + ttl, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1 + recreated
