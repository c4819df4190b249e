-- KEYS[1]: a room outbox's lease; ARGV[1]: a node's name as holder, ARGV[2]: milliseconds. Takes
-- the lease when nobody holds it (or it expired), renews it when the holder has it: 1; 0 when
-- another node holds it.
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
return 0
