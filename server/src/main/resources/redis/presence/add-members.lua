-- KEYS[1]: the room's members (nicks, score 0, in nick order), KEYS[2]: their sessions in the room
-- ("<nick> <session>", score: expiry ms), KEYS[3]: each member's number of sessions there;
-- ARGV[1]: ttl ms, ARGV[2..]: sessions. Adds or re-adds the sessions with a fresh expiry; a nick is
-- a member while it has a session. Returns {nicks newly added, member count, expiry ms}.
local ttl = tonumber(ARGV[1])
local expiry = now + ttl
local added = 0
for i = 2, #ARGV do
  if redis.call('ZADD', KEYS[2], expiry, ARGV[i]) == 1 then
    local nick = string.match(ARGV[i], '^(%S+)')
    if redis.call('HINCRBY', KEYS[3], nick, 1) == 1 then
      added = added + redis.call('ZADD', KEYS[1], 0, nick)
    end
  end
end
for i = 1, 3 do
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return {added, redis.call('ZCARD', KEYS[1]), expiry}
