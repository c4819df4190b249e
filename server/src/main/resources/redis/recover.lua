-- ARGV[2]: the joiner's epoch ('' for none), ARGV[3]: its offset, ARGV[4]: how many of the latest
-- messages to return otherwise. Returns {epoch, top, 1 when recovered else 0, entries}: every
-- message after ARGV[3] when the joiner's epoch is this one and that is still kept, else the
-- latest ones. One script, so that the entries and the top offset are one moment's.
local since = tonumber(ARGV[3])
local from = nil
if ARGV[2] == epoch and since <= top then
  if since == top then
    from = top + 1
  else
    local first = redis.call('xrange', KEYS[1], '-', '+', 'COUNT', 1)
    if #first > 0 and tonumber(string.match(first[1][1], '^%d+')) <= since + 1 then
      from = since + 1
    end
  end
end
local recovered = 1
if not from then
  recovered = 0
  from = math.max(1, top - tonumber(ARGV[4]) + 1)
end
local entries = {}
if from <= top then
  entries = redis.call('xrange', KEYS[1], from .. '-0', '+')
end
return {epoch, top, recovered, entries}
