-- ARGV[2]: the joiner's epoch ('' for none), ARGV[3]: its offset, ARGV[4]: how many of the latest
-- messages to return otherwise, ARGV[5]: at most this many are recovered. Returns {epoch, top,
-- 1 when recovered else 0, entries, missed}: every room event after ARGV[3] as the log has it when
-- the joiner's epoch is this one, that is still kept and no more than ARGV[5] came since; else the
-- latest messages with their state, oldest first, and then (when more than ARGV[5] came in this
-- epoch) how many events came between ARGV[3] and the first of them. One script, so that the
-- entries and the top offset are one moment's.
local since = tonumber(ARGV[3])
local inEpoch = ARGV[2] == epoch and since <= top
local tooMany = inEpoch and top - since > tonumber(ARGV[5])
local recovered = 0
if inEpoch and not tooMany then
  if since == top then
    recovered = 1
  else
    local first = redis.call('xrange', KEYS[1], '-', '+', 'COUNT', 1)
    if #first > 0 and tonumber(string.match(first[1][1], '^%d+')) <= since + 1 then
      recovered = 1
    end
  end
end
local entries
if recovered == 1 then
  entries = read((since + 1) .. '-0', '+', top - since, false, 'log')
else
  local newestFirst = read('-', '+', tonumber(ARGV[4]), true, 'state')
  entries = {}
  for i = #newestFirst, 1, -1 do
    entries[#entries + 1] = newestFirst[i]
  end
end
local missed = 0
if tooMany then
  local next = top + 1
  if #entries > 0 then
    next = tonumber(string.match(entries[1][1], '^%d+'))
  end
  missed = next - since - 1
end
return {epoch, top, recovered, entries, missed}
