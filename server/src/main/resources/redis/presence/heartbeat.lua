-- KEYS[1]: the live nodes (node id -> expiry ms); ARGV[1]: this node, ARGV[2]: ttl ms, ARGV[3..]:
-- nodes suspected dead that have index keys but no entry. Renews this node's entry. Returns {0 when
-- it was alive, 1 when it had lapsed (a cleaner may be removing this node's entries), 2 when it was
-- missing (Redis lost it, or a cleaner removed this node); the nodes whose entries lapsed; the
-- suspects still without an entry}.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local state = 0
if not score then
  state = 2
elseif tonumber(score) < now then
  state = 1
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local absent = {}
for i = 3, #ARGV do
  if not redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    absent[#absent + 1] = ARGV[i]
  end
end
return {state, redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now), absent}
