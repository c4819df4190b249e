package dev.parley.server.session;

/**
 * A token bucket: {@code ratePerSec} tokens a second, at most {@code burst} saved. Not
 * thread-safe; a session uses it on its own event loop.
 */
final class TokenBucket {
    private static final double NANOS_PER_SECOND = 1e9;

    private final double tokensPerNano;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    TokenBucket(int ratePerSec, int burst, long nowNanos) {
        this.tokensPerNano = ratePerSec / NANOS_PER_SECOND;
        this.capacity = burst;
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    /** Takes one token if there is one. */
    boolean tryTake(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - refilledAt) * tokensPerNano);
        refilledAt = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
