-- Removes every session in the room whose expiry has passed; returns the nicks that left with them,
-- so that each leave is seen by exactly one caller.
local removed = {}
for _, session in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  if drop(session) == 1 then
    removed[#removed + 1] = string.match(session, '^(%S+)')
  end
end
return removed
