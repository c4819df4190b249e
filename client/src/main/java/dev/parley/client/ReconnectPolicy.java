package dev.parley.client;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link ParleyClient} tries again after losing its connection: exponential backoff with
 * jitter, bounded by {@code maxDelay}, optionally limited in attempts, or off.
 *
 * <p>Attempt {@code n} (from 1) waits {@code min(maxDelay, initialDelay * multiplier^(n-1))},
 * reduced by a random part of up to {@code jitter} of it, so that many clients cut off at once do
 * not come back at once. The count starts again after every successful reconnect.
 *
 * @param enabled      whether to reconnect at all
 * @param initialDelay the wait before the first attempt
 * @param maxDelay     the longest wait between attempts
 * @param multiplier   the growth of the wait per attempt, at least 1
 * @param jitter       the random part of each wait, from 0 (none) to 1 (anything from 0 to the wait)
 * @param maxAttempts  attempts before giving up, 0 for no limit
 */
public record ReconnectPolicy(boolean enabled, Duration initialDelay, Duration maxDelay, double multiplier,
                              double jitter, int maxAttempts) {

    /** The default: from 250 ms, doubling, up to 30 s, jitter 0.5, no attempt limit. */
    public static final ReconnectPolicy DEFAULT =
            new ReconnectPolicy(true, Duration.ofMillis(250), Duration.ofSeconds(30), 2.0, 0.5, 0);

    /** No reconnecting: a lost connection closes the client. */
    public static final ReconnectPolicy DISABLED =
            new ReconnectPolicy(false, Duration.ZERO, Duration.ZERO, 1.0, 0.0, 0);

    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay, not " + initialDelay + ", " + maxDelay);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be at least 1, not " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be from 0 to 1, not " + jitter);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be at least 0, not " + maxAttempts);
        }
    }

    /** Exponential backoff from {@code initialDelay} up to {@code maxDelay}, doubling, jitter 0.5, no attempt limit. */
    public static ReconnectPolicy exponential(Duration initialDelay, Duration maxDelay) {
        return new ReconnectPolicy(true, initialDelay, maxDelay, 2.0, 0.5, 0);
    }

    public ReconnectPolicy withMultiplier(double multiplier) {
        return new ReconnectPolicy(enabled, initialDelay, maxDelay, multiplier, jitter, maxAttempts);
    }

    public ReconnectPolicy withJitter(double jitter) {
        return new ReconnectPolicy(enabled, initialDelay, maxDelay, multiplier, jitter, maxAttempts);
    }

    public ReconnectPolicy withMaxAttempts(int maxAttempts) {
        return new ReconnectPolicy(enabled, initialDelay, maxDelay, multiplier, jitter, maxAttempts);
    }

    /** Whether attempt {@code attempt} (from 1) may be made. */
    public boolean allows(int attempt) {
        return enabled && (maxAttempts == 0 || attempt <= maxAttempts);
    }

    /**
     * The wait before attempt {@code attempt} (from 1), given {@code random} from 0 (inclusive) to 1:
     * between {@code (1 - jitter)} times the backoff and the backoff itself, never above {@code maxDelay}.
     */
    public Duration delay(int attempt, double random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, not " + attempt);
        }
        double max = maxDelay.toNanos();
        double backoff = Math.min(max, initialDelay.toNanos() * Math.pow(multiplier, attempt - 1.0));
        double jittered = backoff * (1.0 - jitter * random);
        return Duration.ofNanos((long) Math.min(max, Math.max(0.0, jittered)));
    }
}
