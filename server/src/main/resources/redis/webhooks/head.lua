-- KEYS[1]: a room's outbox, KEYS[2]: the failed attempts of its entries (entry id: count).
-- Returns {} when it is empty, else {entry id, its fields, its failed attempts, the outbox's length}.
local first = redis.call('xrange', KEYS[1], '-', '+', 'COUNT', 1)
if #first == 0 then
  return {}
end
return {first[1][1], first[1][2], tonumber(redis.call('hget', KEYS[2], first[1][1]) or '0'), redis.call('xlen', KEYS[1])}
