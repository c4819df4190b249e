-- KEYS as in epoch.lua; ARGV[2]: the user (nick, lower case), ARGV[3]: the offset read. Moves the
-- user's marker in KEYS[10] forward to the offset, clamped to the room's latest (top), in one step
-- with reading top, so that two nodes moving one marker at once keep the further one. Returns
-- {1, marker} when it moved or was set for the first time, {0} when it stayed.
local wanted = math.max(0, math.min(tonumber(ARGV[3]), top))
local marker = redis.call('hget', KEYS[10], ARGV[2])
if marker and tonumber(marker) >= wanted then
  return {0}
end
redis.call('hset', KEYS[10], ARGV[2], wanted)
keepRoom()
return {1, wanted}
