-- KEYS[1]: the room's members, KEYS[2]: their expiries; ARGV[1]: a nick.
-- Returns {1 if it was a member else 0, member count}.
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return {removed, redis.call('ZCARD', KEYS[1])}
