-- KEYS as in add-members.lua; ARGV[1]: a dead node. Removes the node's sessions ("<nick> <session>
-- <node>") from the room; returns the nicks that left with them, so that each leave is seen by
-- exactly one caller however often this runs.
local removed = {}
local suffix = ' ' .. ARGV[1]
for _, session in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if string.sub(session, -#suffix) == suffix and drop(session) == 1 then
    removed[#removed + 1] = string.match(session, '^(%S+)')
  end
end
return removed
