package dev.parley.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Schedules reconnect attempts by a {@link ReconnectPolicy}: it counts the attempts since the last
 * successful connection and waits the policy's backoff before each, in the manner of Lettuce's
 * {@code ConnectionWatchdog}. What an attempt does is the caller's.
 *
 * <p>Control thread only; {@link #cancel()} stops the pending attempt.
 */
final class ReconnectWatchdog {
    private final ReconnectPolicy policy;
    private final ScheduledExecutorService timer;
    private final DoubleSupplier random;
    private int attempts;
    private ScheduledFuture<?> next;

    ReconnectWatchdog(ReconnectPolicy policy, ScheduledExecutorService timer, DoubleSupplier random) {
        this.policy = policy;
        this.timer = timer;
        this.random = random;
    }

    /**
     * Schedules the next attempt after its backoff.
     *
     * @return the wait, or {@code null} when the policy allows no further attempt
     */
    Duration schedule(Runnable attempt) {
        if (!policy.allows(attempts + 1)) {
            return null;
        }
        attempts++;
        Duration delay = policy.delay(attempts, random.getAsDouble());
        next = timer.schedule(attempt, delay.toNanos(), TimeUnit.NANOSECONDS);
        return delay;
    }

    /** Attempts made since the last {@link #connected()}. */
    int attempts() {
        return attempts;
    }

    /** A connection succeeded: the next loss starts from the first backoff again. */
    void connected() {
        attempts = 0;
    }

    void cancel() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }
}
