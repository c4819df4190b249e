-- KEYS[1]: the nick's claim; ARGV[1]: the owner that was read, ARGV[2]: the new owner, ARGV[3]: ttl ms.
-- Takes the claim over only while it is still the one that was read (two resumes racing cannot
-- both win). Returns 1 when it did, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
