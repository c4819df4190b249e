-- KEYS as in claims.lua; ARGV[1]: ttl ms, ARGV[2]: most sessions, ARGV[3]: a session, ARGV[4]: its
-- value, ARGV[5]: its nick as spelt. Extends the session's claim; re-creates it when Redis lost it
-- (restarted empty, or it expired unrefreshed) and room() allows. Returns 1 kept, 2 re-created,
-- 0 lost: taken over, or the nick is held by others now.
local ttl = tonumber(ARGV[1])
local holder = redis.call('HGET', KEYS[1], ARGV[3])
if holder == ARGV[4] then
  keep(ARGV[3], ARGV[4], ttl)
  return 1
end
if holder or redis.call('ZSCORE', KEYS[3], ARGV[3]) or room(ARGV[5], tonumber(ARGV[2])) ~= 1 then
  return 0
end
keep(ARGV[3], ARGV[4], ttl)
return 2
