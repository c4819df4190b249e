-- KEYS[3]: the room's hash of nonces, {user's nonce key: offset}, which holds the nonce of every
-- kept message that had one. ARGV[2]: the room's channel, ARGV[3]: history size, ARGV[4]: ts,
-- ARGV[5]: from, ARGV[6]: text, ARGV[7]: room, ARGV[8]: the sender's nonce key ('' for none).
-- A nonce key the room still keeps publishes nothing: returns {offset, ts, from, text} of that first
-- message. Otherwise appends the message with the next offset as its stream id, keeps the last
-- ARGV[3] messages (and the nonces of those alone), and publishes it in the same step, so that
-- every node receives the room's messages in offset order. Returns {offset}.
local size = tonumber(ARGV[3])
if ARGV[8] ~= '' then
  local first = redis.call('hget', KEYS[3], ARGV[8])
  if first then
    local entry = redis.call('xrange', KEYS[1], first .. '-0', first .. '-0')
    if #entry > 0 then
      local fields = {}
      for i = 1, #entry[1][2], 2 do
        fields[entry[1][2][i]] = entry[1][2][i + 1]
      end
      return {tonumber(first), fields['ts'], fields['from'], fields['text']}
    end
  end
end
local leaving = redis.call('xlen', KEYS[1]) + 1 - size
if leaving > 0 then
  for _, entry in ipairs(redis.call('xrange', KEYS[1], '-', '+', 'COUNT', leaving)) do
    for i = 1, #entry[2], 2 do
      if entry[2][i] == 'nonce' then
        redis.call('hdel', KEYS[3], entry[2][i + 1])
      end
    end
  end
end
top = redis.call('hincrby', KEYS[2], 'top', 1)
if ARGV[8] == '' then
  redis.call('xadd', KEYS[1], 'MAXLEN', size, top .. '-0', 'ts', ARGV[4], 'from', ARGV[5], 'text', ARGV[6])
else
  redis.call('xadd', KEYS[1], 'MAXLEN', size, top .. '-0', 'ts', ARGV[4], 'from', ARGV[5], 'text', ARGV[6],
    'nonce', ARGV[8])
  if size > 0 then
    redis.call('hset', KEYS[3], ARGV[8], top)
  end
end
redis.call('publish', ARGV[2], cjson.encode({type = 'message', room = ARGV[7], offset = top,
  ts = tonumber(ARGV[4]), from = ARGV[5], text = ARGV[6], epoch = epoch}))
return {top}
