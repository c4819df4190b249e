-- KEYS[1]: the nick's claim; ARGV[1]: its owner, ARGV[2]: ttl ms. Extends the owner's claim, or
-- re-creates it when Redis lost it. Returns 1 kept, 2 re-created, 0 another session holds the nick now.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0
