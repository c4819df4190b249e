-- KEYS[1]: a room's outbox, KEYS[2]: the failed attempts of its entries; ARGV[1]: the entry the
-- backend answered 2xx. Deletes it, and the outbox once empty (so that the scan no longer finds it).
redis.call('xdel', KEYS[1], ARGV[1])
redis.call('hdel', KEYS[2], ARGV[1])
if redis.call('xlen', KEYS[1]) == 0 then
  redis.call('del', KEYS[1], KEYS[2])
end
return 1
