-- A room's webhook outbox: a stream (ids Redis's own, so in the order added) of the webhooks
-- waiting for the backend, each entry its 'id' and either its 'event' (a room event as its channel
-- has it, made into the webhook's body by the node that delivers it) or its 'body'. Adds one,
-- keeping at most `most` (the oldest go); returns how many went.
local function addWebhook(key, most, id, field, value)
  local dropped = math.max(0, redis.call('xlen', key) + 1 - most)
  redis.call('xadd', key, 'MAXLEN', most, '*', 'id', id, field, value)
  return dropped
end
