-- ARGV[2]: the room's channel, ARGV[3]: history size, ARGV[4]: ts, ARGV[5]: from, ARGV[6]: room,
-- ARGV[7]: kind ('edit', 'delete' or 'reaction'), ARGV[8]: the offset of the message it is about;
-- edit: ARGV[9] the new text, ARGV[10] the nicks it mentions but from (space-separated); delete: ARGV[9] '1' when from may delete anyone's message;
-- reaction: ARGV[9] the emoji, ARGV[10] '1' to put it on, '0' to take it off, ARGV[11] the most
-- emoji a message takes. Checks the message and appends the event in one step, so that it is
-- decided on the room's state right before it (a delete and an edit of one message are ordered).
-- Returns {offset, the webhooks the outbox dropped (append.lua)}; {0} for a reaction that changes nothing; {0, code} when refused: 'not_found'
-- (no such kept message, or deleted), 'forbidden' (not from's own), 'bad_request' (one emoji too many).
local size = tonumber(ARGV[3])
local target = ARGV[8]
local message, state = findMessage(target)
if not message then
  return {0, 'not_found'}
end
local own = string.lower(message['from']) == string.lower(ARGV[5])
local fields = {'kind', ARGV[7], 'ts', ARGV[4], 'from', ARGV[5], 'target', target}
local payload = {type = ARGV[7], room = ARGV[6], ts = tonumber(ARGV[4]), from = ARGV[5], target = tonumber(target)}
local text = nil
-- reaction: the message's reactions, the index of this emoji's and of from's nick in it.
local reactions, index, at = nil, nil, nil
if ARGV[7] == 'edit' then
  if not own then
    return {0, 'forbidden'}
  end
  text = ARGV[9]
  payload['text'] = text
elseif ARGV[7] == 'delete' then
  if not own and ARGV[9] ~= '1' then
    return {0, 'forbidden'}
  end
else
  reactions = state.reactions or {}
  for i, reaction in ipairs(reactions) do
    if reaction.emoji == ARGV[9] then
      index = i
    end
  end
  if index then
    for i, nick in ipairs(reactions[index].nicks) do
      if string.lower(nick) == string.lower(ARGV[5]) then
        at = i
      end
    end
  end
  local on = ARGV[10] == '1'
  if (on and at) or (not on and not at) then
    return {0}
  end
  if on and not index and #reactions >= tonumber(ARGV[11]) then
    return {0, 'bad_request'}
  end
  fields[#fields + 1] = 'emoji'
  fields[#fields + 1] = ARGV[9]
  fields[#fields + 1] = 'on'
  fields[#fields + 1] = ARGV[10]
  payload['emoji'] = ARGV[9]
  payload['on'] = on
end
local offset = append(ARGV[2], size, fields, text, payload)
if ARGV[7] == 'edit' then
  state.edited = tonumber(ARGV[4])
  state.last = offset
  state.edits = state.edits or {}
  table.insert(state.edits, offset)
elseif ARGV[7] == 'delete' then
  redis.call('hdel', KEYS[4], target, unpack(state.edits or {}))
  state = {deleted = true}
elseif at then
  table.remove(reactions[index].nicks, at)
  if #reactions[index].nicks == 0 then
    table.remove(reactions, index)
  end
  state.reactions = #reactions > 0 and reactions or nil
else
  if not index then
    table.insert(reactions, {emoji = ARGV[9], nicks = {}})
    index = #reactions
  end
  table.insert(reactions[index].nicks, ARGV[5])
  state.reactions = reactions
end
-- The message may have left the stream with this event (a history of one): its state and index
-- entries went with it.
if #redis.call('xrange', KEYS[1], target .. '-0', target .. '-0') > 0 then
  redis.call('hset', KEYS[5], target, cjson.encode(state))
  if ARGV[7] == 'edit' then
    unindexMentions(target)
    indexMentions(target, ARGV[10])
  elseif ARGV[7] == 'delete' then
    unindexMessage(target, message['from'])
  end
end
keepRoom()
return {offset, webhookDropped}
