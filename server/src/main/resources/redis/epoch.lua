-- KEYS[1]: the room's stream, KEYS[2]: its hash {epoch, top}, KEYS[3]: the nonces of its stream's
-- messages, KEYS[4]: the texts of its stream's events, KEYS[5]: the state of its stream's messages,
-- KEYS[6] to KEYS[9]: the unread index of its stream's messages (append.lua), KEYS[10]: the users'
-- read markers (user: offset), KEYS[11]: its webhook outbox (outbox.lua: a lost history's webhooks are
-- still owed, so it is kept); ARGV[1]: an epoch made by the node; the last ARGV: how long the
-- room's keys live after its last write, in ms (0: for ever). Gives the room an epoch when it
-- has none. A stream (and what goes with it, read markers included) left without its hash belongs
-- to a lost history (lost by Redis, or expired): it is deleted, so that offsets restart under the new
-- epoch instead of mixing two.
local roomTtl = tonumber(ARGV[#ARGV])
local epoch = redis.call('hget', KEYS[2], 'epoch')
if not epoch then
  redis.call('del', KEYS[1], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10])
  epoch = ARGV[1]
  redis.call('hset', KEYS[2], 'epoch', epoch, 'top', 0)
  if roomTtl > 0 then
    redis.call('pexpire', KEYS[2], roomTtl)
  end
end
local top = tonumber(redis.call('hget', KEYS[2], 'top') or '0')

-- Gives every key of the room the room's TTL from now (none with a TTL of 0). A script that writes to
-- the room calls it after its last write, so that all the room's keys expire together, one TTL after
-- the room's last write; reads leave the TTL as it is.
local function keepRoom()
  for _, key in ipairs(KEYS) do
    if roomTtl > 0 then
      redis.call('pexpire', key, roomTtl)
    else
      redis.call('persist', key)
    end
  end
end
