-- KEYS as in epoch.lua and index.lua; ARGV[2]: the user (nick, lower case). Returns {marker,
-- unread, mentions}: the messages after the user's marker that the stream keeps, are not deleted
-- and others sent, and how many of them mention the user; {} without a marker. Counts, never scans.
local marker = redis.call('hget', KEYS[10], ARGV[2])
if not marker then
  return {}
end
local after = '(' .. ARGV[2] .. ' ' .. padded(marker)
-- '~' sorts after every digit: the user's entries, and no other nick's.
local last = '(' .. ARGV[2] .. ' ~'
local all = redis.call('zcount', KEYS[6], '(' .. marker, '+inf')
local own = redis.call('zlexcount', KEYS[7], after, last)
return {tonumber(marker), all - own, redis.call('zlexcount', KEYS[8], after, last)}
