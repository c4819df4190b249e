-- ARGV[2]: the room's channel, ARGV[3]: history size, ARGV[4]: ts, ARGV[5]: from, ARGV[6]: text,
-- ARGV[7]: room, ARGV[8]: the sender's nonce key ('' for none), ARGV[9]: the offset of the message
-- it answers ('' for none), ARGV[10]: the nicks the text mentions but the sender (space-separated,
-- '' for none). A nonce key the room still keeps (KEYS[3]: {nonce key: offset}) publishes
-- nothing: returns {offset, ts, from, replyTo or '', text} of that first message (no text once deleted). A reply to a message the
-- room does not keep, or deleted, returns {0, 'not_found'}. Otherwise appends and indexes the
-- message and returns {offset, the webhooks the outbox dropped to make room (append.lua)}.
local size = tonumber(ARGV[3])
if ARGV[8] ~= '' then
  local first = redis.call('hget', KEYS[3], ARGV[8])
  if first then
    local entry = redis.call('xrange', KEYS[1], first .. '-0', first .. '-0')
    if #entry > 0 then
      local fields = fieldsOf(entry[1])
      return {tonumber(first), fields['ts'], fields['from'], fields['replyTo'] or '',
        redis.call('hget', KEYS[4], first)}
    end
  end
end
local fields = {'kind', 'message', 'ts', ARGV[4], 'from', ARGV[5]}
local payload = {type = 'message', room = ARGV[7], ts = tonumber(ARGV[4]), from = ARGV[5], text = ARGV[6]}
if ARGV[9] ~= '' then
  if not findMessage(ARGV[9]) then
    return {0, 'not_found'}
  end
  table.insert(fields, 'replyTo')
  table.insert(fields, ARGV[9])
  payload['replyTo'] = tonumber(ARGV[9])
end
if ARGV[8] ~= '' then
  table.insert(fields, 'nonce')
  table.insert(fields, ARGV[8])
end
local offset = append(ARGV[2], size, fields, ARGV[6], payload)
if size > 0 then
  if ARGV[8] ~= '' then
    redis.call('hset', KEYS[3], ARGV[8], offset)
  end
  indexMessage(offset, ARGV[5], ARGV[10])
end
keepRoom()
return {offset, webhookDropped}
