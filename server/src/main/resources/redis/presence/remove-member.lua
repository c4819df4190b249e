-- ARGV[1]: a session "<nick> <session>". Returns {1 if its nick left the room else 0, member count}.
return {drop(ARGV[1]), redis.call('ZCARD', KEYS[1])}
