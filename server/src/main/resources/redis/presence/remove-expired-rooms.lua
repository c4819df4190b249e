-- KEYS[1]: the room index (score: expiry ms). Forgets the rooms that no node has kept alive.
return redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
