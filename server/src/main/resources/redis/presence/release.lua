-- KEYS[1]: the nick's claim; ARGV[1]: its owner. Deletes the claim only while it is still this
-- owner's, so a late release never deletes the claim of the session that replaced it. Returns 1
-- when it did, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
