-- KEYS as in claims.lua; ARGV[1]: most sessions, ARGV[2]: a session, ARGV[3]: its value, ARGV[4]:
-- its nick as spelt. Re-creates the session's claim when Redis lost it (restarted empty, or a
-- cleaner removed it while this node's heartbeat had lapsed) and room() allows. Returns 1 kept,
-- 2 re-created, 0 lost: taken over, or the nick is held by others now.
local holder = redis.call('HGET', KEYS[1], ARGV[2])
if holder == ARGV[3] then
  return 1
end
if holder or redis.call('ZSCORE', KEYS[2], ARGV[2]) or room(ARGV[4], tonumber(ARGV[1])) ~= 1 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 2
