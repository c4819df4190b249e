-- ARGV[2], ARGV[3]: the first and last stream id, ARGV[4]: at most this many, newest first when
-- ARGV[5] is 'rev', ARGV[6]: 'log' or 'state' (see read.lua). Returns {epoch, top, entries}.
return {epoch, top, read(ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5] == 'rev', ARGV[6])}
