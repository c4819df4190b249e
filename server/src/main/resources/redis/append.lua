-- What the scripts that add room events share. The stream holds each event's fields, 'kind' first
-- (message, edit, delete, reaction), with its offset as entry id; the text of a message or an edit
-- is kept apart in KEYS[4] (offset: text), so that a delete can erase it; KEYS[5] holds the state
-- of each message that has any (offset: JSON {edited, last, edits, deleted, reactions}: the ts and
-- offset of its last edit, the offsets of all its edits, and [{emoji, nicks}] in the order they
-- came). Everything about an event leaves with it when the stream trims it, its entries in the
-- unread index (index.lua) too.

-- With webhooks, the two ARGV before the last (the room's time to live, epoch.lua) of a script
-- that appends are the event's webhook's id ('' for none: webhooks off, or not of the event's
-- type) and the most the room's outbox (KEYS[11], outbox.lua) keeps: the webhook goes there in the same step as its event, so that an
-- acknowledged event never lacks its webhook. How many of the outbox's oldest went to make room.
local webhookDropped = 0

-- The entry's fields as a table.
local function fieldsOf(entry)
  local fields = {}
  for i = 1, #entry[2], 2 do
    fields[entry[2][i]] = entry[2][i + 1]
  end
  return fields
end

-- The kept message at offset o and its state, or nil when the room keeps no message there (not
-- kept, another kind of event) or it was deleted.
local function findMessage(o)
  local entry = redis.call('xrange', KEYS[1], o .. '-0', o .. '-0')
  if #entry == 0 then
    return nil
  end
  local fields = fieldsOf(entry[1])
  if fields['kind'] ~= 'message' then
    return nil
  end
  local raw = redis.call('hget', KEYS[5], o)
  local state = raw and cjson.decode(raw) or {}
  if state.deleted then
    return nil
  end
  return fields, state
end

-- Appends an event with the room's next offset: the stream keeps the last size events (and what
-- goes with them alone, their index entries too), text (nil for none) is kept apart, and the event (the table payload, to
-- which its offset and the epoch are added) is published on channel in the same step, so that
-- every node receives the room's events in offset order (publish_command, which the node puts in
-- the script's first line: 'publish', or 'spublish' on a Redis Cluster). Returns the offset.
local function append(channel, size, fields, text, payload)
  local leaving = redis.call('xlen', KEYS[1]) + 1 - size
  if leaving > 0 then
    for _, entry in ipairs(redis.call('xrange', KEYS[1], '-', '+', 'COUNT', leaving)) do
      local gone = fieldsOf(entry)
      if gone['nonce'] then
        redis.call('hdel', KEYS[3], gone['nonce'])
      end
      local o = string.match(entry[1], '^%d+')
      redis.call('hdel', KEYS[4], o)
      redis.call('hdel', KEYS[5], o)
      if gone['kind'] == 'message' then
        unindexMessage(o, gone['from'])
      end
    end
  end
  top = redis.call('hincrby', KEYS[2], 'top', 1)
  redis.call('xadd', KEYS[1], 'MAXLEN', size, top .. '-0', unpack(fields))
  if text and size > 0 then
    redis.call('hset', KEYS[4], top, text)
  end
  payload['offset'] = top
  payload['epoch'] = epoch
  local encoded = cjson.encode(payload)
  redis.call(publish_command, channel, encoded)
  if ARGV[#ARGV - 2] ~= '' then
    webhookDropped = addWebhook(KEYS[11], tonumber(ARGV[#ARGV - 1]), ARGV[#ARGV - 2], 'event', encoded)
  end
  return top
end
