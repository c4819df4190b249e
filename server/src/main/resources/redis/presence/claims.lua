-- KEYS[1]: a nick's sessions (hash: session -> "<node> <secret hash> <nick as spelt>"), KEYS[2]:
-- sessions taken over lately (score: until when they are remembered). Forgets the takeovers that
-- are old enough, then defines room(nick, most): 1 when a session of nick (as spelt) may be added,
-- 0 when the nick is held under another spelling, 2 when most sessions hold it.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
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
