-- KEYS[1]: the room's members (score 0, in nick order), KEYS[2]: their expiries (score: expiry ms);
-- ARGV[1]: ttl ms, ARGV[2..]: nicks. Adds or re-adds the nicks with a fresh expiry.
-- Returns {nicks newly added, member count, expiry ms}.
local ttl = tonumber(ARGV[1])
local expiry = now + ttl
local added = 0
for i = 2, #ARGV do
  added = added + redis.call('ZADD', KEYS[1], 0, ARGV[i])
  redis.call('ZADD', KEYS[2], expiry, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return {added, redis.call('ZCARD', KEYS[1]), expiry}
