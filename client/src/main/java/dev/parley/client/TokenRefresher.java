package dev.parley.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps a session's token fresh: a timer that fires some time before the token's {@code exp}
 * (a fifth of the remaining lifetime, at most {@link #MAX_MARGIN}), when the client asks its token
 * supplier for a new token and sends {@code refresh}. The server closes with 4003 a session whose
 * token expired unrefreshed.
 *
 * <p>Control thread only; its one timer is cancelled by {@link #stop()}.
 */
final class TokenRefresher {
    /** The most time before {@code exp} at which a refresh is sent. */
    static final Duration MAX_MARGIN = Duration.ofSeconds(30);
    /** How soon to ask again when the supplier gave a token that expires no later than the last. */
    static final Duration RETRY = Duration.ofSeconds(1);

    private final ScheduledExecutorService control;
    private final LongSupplier clockMs;
    private ScheduledFuture<?> timer;

    TokenRefresher(ScheduledExecutorService control, LongSupplier clockMs) {
        this.control = control;
        this.clockMs = clockMs;
    }

    /** Runs {@code refresh} ahead of {@code expSeconds}; nothing when the token does not expire ({@code null}). */
    void schedule(Long expSeconds, Runnable refresh) {
        stop();
        if (expSeconds != null) {
            timer = control.schedule(refresh, delayMs(expSeconds, clockMs.getAsLong()), TimeUnit.MILLISECONDS);
        }
    }

    /** How long from {@code nowMs} to wait before refreshing a token that expires at {@code expSeconds}. */
    static long delayMs(long expSeconds, long nowMs) {
        long remaining = expSeconds * 1000 - nowMs;
        long margin = Math.min(MAX_MARGIN.toMillis(), Math.max(0, remaining / 5));
        return Math.max(0, remaining - margin);
    }

    /** Runs {@code refresh} again after {@link #RETRY}, for a supplier that still hands out the old token. */
    void retry(Runnable refresh) {
        stop();
        timer = control.schedule(refresh, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
