-- KEYS[1]: a room's outbox; ARGV[1]: a webhook's id, ARGV[2]: its body, ARGV[3]: the most the
-- outbox keeps. Returns how many of the oldest went to make room.
return addWebhook(KEYS[1], tonumber(ARGV[3]), ARGV[1], 'body', ARGV[2])
