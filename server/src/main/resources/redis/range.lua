-- ARGV[2], ARGV[3]: the first and last stream id, ARGV[4]: at most this many, newest first when
-- ARGV[5] is 'rev'. Returns {epoch, top, entries}, oldest first for 'fwd', newest first for 'rev'.
local entries
if ARGV[5] == 'rev' then
  entries = redis.call('xrevrange', KEYS[1], ARGV[3], ARGV[2], 'COUNT', ARGV[4])
else
  entries = redis.call('xrange', KEYS[1], ARGV[2], ARGV[3], 'COUNT', ARGV[4])
end
return {epoch, top, entries}
