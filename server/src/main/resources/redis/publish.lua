-- ARGV[2]: the room's channel, ARGV[3]: history size, ARGV[4]: ts, ARGV[5]: from, ARGV[6]: text,
-- ARGV[7]: room. Appends the message with the next offset as its stream id, keeps the last
-- ARGV[3] messages, and publishes it in the same step, so that every node receives the room's
-- messages in offset order. Returns the offset.
top = redis.call('hincrby', KEYS[2], 'top', 1)
redis.call('xadd', KEYS[1], 'MAXLEN', ARGV[3], top .. '-0', 'ts', ARGV[4], 'from', ARGV[5], 'text', ARGV[6])
redis.call('publish', ARGV[2], cjson.encode({type = 'message', room = ARGV[7], offset = top,
  ts = tonumber(ARGV[4]), from = ARGV[5], text = ARGV[6], epoch = epoch}))
return top
