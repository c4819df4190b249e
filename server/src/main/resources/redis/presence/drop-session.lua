-- KEYS as in add-members.lua. drop(session) removes "<nick> <session>" from the room; returns 1
-- when that was the nick's last session there, and so the nick left, else 0.
local function drop(session)
  if redis.call('ZREM', KEYS[2], session) == 0 then
    return 0
  end
  local nick = string.match(session, '^(%S+)')
  if redis.call('HINCRBY', KEYS[3], nick, -1) > 0 then
    return 0
  end
  redis.call('HDEL', KEYS[3], nick)
  return redis.call('ZREM', KEYS[1], nick)
end
