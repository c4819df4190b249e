-- KEYS[1]: the room's members (nicks, score 0, in nick order), KEYS[2]: their sessions in the room
-- ("<nick> <session> <node>", score 0), KEYS[3]: each member's number of sessions there; ARGV[1]:
-- ttl ms, ARGV[2..]: sessions. Adds the sessions not there yet; a nick is a member while it has a
-- session. Returns {nicks newly added, member count, expiry ms for the room index}.
local added = 0
for i = 2, #ARGV do
  if redis.call('ZADD', KEYS[2], 0, ARGV[i]) == 1 then
    local nick = string.match(ARGV[i], '^(%S+)')
    if redis.call('HINCRBY', KEYS[3], nick, 1) == 1 then
      added = added + redis.call('ZADD', KEYS[1], 0, nick)
    end
  end
end
return {added, redis.call('ZCARD', KEYS[1]), now + tonumber(ARGV[1])}
