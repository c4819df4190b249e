-- What the scripts that read a room's events share (the keys as in append.lua). Entries go out as
-- {id, fields, text, state}: the text of a message or an edit, and a message's state JSON, false
-- where there is none. mode 'log': every event, as sent (a message's text is its first, an erased
-- text is gone); mode 'state': messages alone, each with its current text.

local function dress(entry, mode)
  local o = string.match(entry[1], '^%d+')
  local kind = entry[2][2]
  local text, state = false, false
  if kind == 'message' then
    state = redis.call('hget', KEYS[5], o)
    local current = o
    if mode == 'state' and state then
      current = cjson.decode(state).last or o
    end
    text = redis.call('hget', KEYS[4], current)
  elseif kind == 'edit' then
    text = redis.call('hget', KEYS[4], o)
  end
  return {entry[1], entry[2], text, state}
end

-- Up to count events with stream ids from first to last, newest first when rev, as mode says:
-- in 'state' mode the other events are skipped, and reading goes on until count messages are found.
local function read(first, last, count, rev, mode)
  local result = {}
  while #result < count do
    local want = count - #result
    local batch
    if rev then
      batch = redis.call('xrevrange', KEYS[1], last, first, 'COUNT', want)
    else
      batch = redis.call('xrange', KEYS[1], first, last, 'COUNT', want)
    end
    for _, entry in ipairs(batch) do
      if mode == 'log' or entry[2][2] == 'message' then
        result[#result + 1] = dress(entry, mode)
      end
    end
    if #batch < want then
      break
    end
    local o = tonumber(string.match(batch[#batch][1], '^%d+'))
    if rev then
      last = (o - 1) .. '-0'
    else
      first = (o + 1) .. '-0'
    end
  end
  return result
end
