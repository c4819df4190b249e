-- KEYS[1]: a nick's sessions (see claims.lua); ARGV[1]: a session, ARGV[2]: its value. Deletes the
-- session's claim only while it is still this one. Returns 1 when it did, else 0.
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
