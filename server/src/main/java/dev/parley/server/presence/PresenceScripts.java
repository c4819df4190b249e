package dev.parley.server.presence;

/**
 * The Lua scripts of {@link RedisPresence}. Each touches the keys of one nick or one room only,
 * so that they keep working on Redis Cluster, and takes its time from Redis ({@code TIME}) so
 * that the nodes' clocks need not agree.
 */
final class PresenceScripts {
    private static final String NOW_MS = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /** KEYS: nick. ARGV: expected owner, new owner, ttl ms. Takes over a claim that is still the expected one's. */
    static final String TAKE_OVER = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """;

    /** KEYS: nick. ARGV: owner. Deletes the claim only while it is still this owner's. */
    static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /**
     * KEYS: nick. ARGV: owner, ttl ms. Extends the owner's claim; re-creates it when Redis lost it
     * (1 kept, 2 re-created, 0 another session holds the nick now).
     */
    static final String REFRESH_CLAIM = """
            local holder = redis.call('GET', KEYS[1])
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            if not holder then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 2
            end
            return 0
            """;

    /**
     * KEYS: members (score 0, in nick order), expiries (score: expiry ms). ARGV: ttl ms, nicks…
     * Adds or re-adds the nicks with a fresh expiry. Returns {nicks newly added, member count,
     * expiry ms}.
     */
    static final String ADD_MEMBERS = NOW_MS + """
            local ttl = tonumber(ARGV[1])
            local expiry = now + ttl
            local added = 0
            for i = 2, #ARGV do
              added = added + redis.call('ZADD', KEYS[1], 0, ARGV[i])
              redis.call('ZADD', KEYS[2], expiry, ARGV[i])
            end
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            return {added, redis.call('ZCARD', KEYS[1]), expiry}
            """;

    /** KEYS: members, expiries. ARGV: nick. Returns {1 if it was a member else 0, member count}. */
    static final String REMOVE_MEMBER = """
            local removed = redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return {removed, redis.call('ZCARD', KEYS[1])}
            """;

    /**
     * KEYS: members, expiries. Removes every member whose expiry has passed; returns the nicks this
     * call removed, so that each removal is seen by exactly one caller.
     */
    static final String REMOVE_EXPIRED = NOW_MS + """
            local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
            local removed = {}
            for _, nick in ipairs(expired) do
              redis.call('ZREM', KEYS[2], nick)
              if redis.call('ZREM', KEYS[1], nick) == 1 then
                removed[#removed + 1] = nick
              end
            end
            return removed
            """;

    /** KEYS: the room index (score: expiry ms). Forgets rooms that no node has kept alive. */
    static final String REMOVE_EXPIRED_ROOMS = NOW_MS + """
            return redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            """;

    private PresenceScripts() {
    }
}
