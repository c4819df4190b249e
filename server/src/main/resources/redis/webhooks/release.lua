-- KEYS[1]: a room outbox's lease, KEYS[2]: the outbox; ARGV[1]: the holder, ARGV[2]: '1' to let
-- go whatever waits. Lets go of the lease if the holder has it and the outbox is empty, in one step
-- with the look, so that a webhook added meanwhile is never left without a node that delivers
-- it: returns 0 when webhooks wait (the holder goes on), 1 otherwise.
if ARGV[2] ~= '1' and redis.call('xlen', KEYS[2]) > 0 then
  return 0
end
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1])
end
return 1
