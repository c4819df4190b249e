-- KEYS[1]: a nick's sessions (see claims.lua); ARGV[1]: a dead node. Deletes the node's claims of
-- the nick; returns how many.
local dropped = 0
local prefix = ARGV[1] .. ' '
local holders = redis.call('HGETALL', KEYS[1])
for i = 1, #holders, 2 do
  if string.sub(holders[i + 1], 1, #prefix) == prefix then
    dropped = dropped + redis.call('HDEL', KEYS[1], holders[i])
  end
end
return dropped
