-- ARGV[2]: the epoch of a history that went back (Redis lost acknowledged writes, as in a failover
-- under asynchronous replication). Gives the room the new epoch ARGV[1] (the stream and its offsets
-- stay), unless it has another epoch already; returns 1 if it did. So the offsets that the lost
-- events had, and that later events took again, name them under another epoch.
if epoch == ARGV[2] then
  redis.call('hset', KEYS[2], 'epoch', ARGV[1])
  return 1
end
return 0
