-- KEYS[1]: the room index (room -> expiry ms); ARGV[1]: ttl ms, ARGV[2..]: this node's rooms. Keeps
-- them in the index for a ttl, and forgets the rooms that no node kept there. Returns how many it forgot.
local expiry = now + tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], expiry, ARGV[i])
end
return redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
