package dev.parley.loadtest.net;

/**
 * How a harness session comes back after the server closed it with 1001 or the connection
 * dropped: attempt {@code n} (from 1) waits a random time from half to all of
 * {@code min(maxDelayMs, initialDelayMs × 2^(n-1))} ("equal jitter", as the browser page does),
 * each attempt through the next URL of the list, until {@code giveUpMs} after the loss.
 *
 * @param enabled        whether sessions reconnect at all
 * @param initialDelayMs the ceiling of the first attempt's wait
 * @param maxDelayMs     the highest ceiling of any wait
 * @param giveUpMs       after this long without a resumed session, it ends for good
 */
public record Reconnection(boolean enabled, long initialDelayMs, long maxDelayMs, long giveUpMs) {
    public static final Reconnection DISABLED = new Reconnection(false, 0, 0, 0);
    private static final int MAX_DOUBLINGS = 30;

    public Reconnection {
        if (enabled && (initialDelayMs < 1 || maxDelayMs < initialDelayMs || giveUpMs < 1)) {
            throw new IllegalArgumentException("need 1 <= initial delay <= max delay and a positive give-up time, not "
                    + initialDelayMs + ", " + maxDelayMs + ", " + giveUpMs);
        }
    }

    /** The wait before attempt {@code attempt} (from 1), for {@code random} from 0 (inclusive) to 1. */
    public long delayMs(int attempt, double random) {
        long ceiling = Math.min(maxDelayMs, initialDelayMs << Math.min(MAX_DOUBLINGS, Math.max(0, attempt - 1)));
        return ceiling / 2 + Math.round(random * (ceiling - ceiling / 2));
    }
}
