-- KEYS[1]: a nick's sessions (hash: session -> "<node> <secret hash> <nick as spelt>"), KEYS[2]:
-- their expiries (score: expiry ms), KEYS[3]: sessions taken over lately (score: until when they
-- are remembered). Drops what has expired, then defines room(nick, most): 1 when a session of
-- nick (as spelt) may be added, 0 when the nick is held under another spelling, 2 when most
-- sessions hold it.
for _, session in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  redis.call('HDEL', KEYS[1], session)
  redis.call('ZREM', KEYS[2], session)
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local function room(nick, most)
  local holders = redis.call('HVALS', KEYS[1])
  for _, value in ipairs(holders) do
    if string.match(value, '(%S+)$') ~= nick then
      return 0
    end
  end
  if #holders >= most then
    return 2
  end
  return 1
end
local function keep(session, value, ttl)
  redis.call('HSET', KEYS[1], session, value)
  redis.call('ZADD', KEYS[2], now + ttl, session)
  for i = 1, 3 do
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
