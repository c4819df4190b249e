-- The unread index (read state), which append.lua and event.lua keep with the stream, so that it
-- never disagrees with it: every message in the stream that is not deleted, in KEYS[6] (a sorted
-- set, its offset as score and member), KEYS[7] ('<sender, lower case> <offset>') and KEYS[8]
-- ('<nick> <offset>' for each nick its current text mentions but its sender); in those two every
-- score is 0 and the offset is padded to 19 digits, so that one ZLEXCOUNT counts a nick's entries
-- after a marker. KEYS[9]: offset -> the nicks its current text mentions (space-separated), to
-- take them out again.

-- The offset o (a number or its digits) as 19 digits, for the index's members.
local function padded(o)
  local digits = string.format('%d', o)
  return string.rep('0', 19 - #digits) .. digits
end

-- Indexes that the message at offset o mentions the nicks in mentioned ('' for none).
local function indexMentions(o, mentioned)
  if mentioned ~= '' then
    redis.call('hset', KEYS[9], o, mentioned)
    for nick in string.gmatch(mentioned, '%S+') do
      redis.call('zadd', KEYS[8], 0, nick .. ' ' .. padded(o))
    end
  end
end

-- Takes the message at offset o out of the mentions index.
local function unindexMentions(o)
  local mentioned = redis.call('hget', KEYS[9], o)
  if mentioned then
    for nick in string.gmatch(mentioned, '%S+') do
      redis.call('zrem', KEYS[8], nick .. ' ' .. padded(o))
    end
    redis.call('hdel', KEYS[9], o)
  end
end

-- Indexes the message at offset o, sent by from, mentioning the nicks in mentioned.
local function indexMessage(o, from, mentioned)
  redis.call('zadd', KEYS[6], o, o)
  redis.call('zadd', KEYS[7], 0, string.lower(from) .. ' ' .. padded(o))
  indexMentions(o, mentioned)
end

-- Takes the message at offset o, sent by from, out of the index (deleted, or trimmed).
local function unindexMessage(o, from)
  redis.call('zrem', KEYS[6], o)
  redis.call('zrem', KEYS[7], string.lower(from) .. ' ' .. padded(o))
  unindexMentions(o)
end
