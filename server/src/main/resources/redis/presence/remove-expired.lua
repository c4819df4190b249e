-- KEYS[1]: the room's members, KEYS[2]: their expiries. Removes every member whose expiry has
-- passed; returns the nicks this call removed, so that each removal is seen by exactly one caller.
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
local removed = {}
for _, nick in ipairs(expired) do
  redis.call('ZREM', KEYS[2], nick)
  if redis.call('ZREM', KEYS[1], nick) == 1 then
    removed[#removed + 1] = nick
  end
end
return removed
