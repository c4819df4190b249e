package dev.parley.server.auth;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The timer that ends a session when its {@link Grant} expires: past its expiry the grant holds
 * on for the leeway tokens are verified with, then {@code onExpiry} runs on the session's event
 * loop. Each new grant (hello, refresh) re-arms the timer; {@link #cancel} stops it for good when
 * the session ends. The executor, clock and callback come with each grant, so that it holds no
 * more than the timer, and a session whose grants never expire needs none.
 *
 * <p>Confined to the executor given.
 */
public final class GrantExpiry {
    /** Past its {@code exp}, a token is accepted this long, as the verifier's clock skew allows. */
    static final long LEEWAY_MS = TimeUnit.SECONDS.toMillis(JwtAuthenticator.CLOCK_SKEW_SECONDS);

    private ScheduledFuture<?> timer;

    /**
     * Replaces the timer with one for {@code granted}'s expiry, if it has one: {@code onExpiry}
     * (which closes the session) then runs on {@code executor} at the expiry by {@code clock} plus
     * the leeway.
     */
    public void renew(Grant granted, EventExecutor executor, LongSupplier clock, Runnable onExpiry) {
        cancel();
        if (granted.expiresAtMs() != null) {
            long delayMs = granted.expiresAtMs() + LEEWAY_MS - clock.getAsLong();
            timer = executor.schedule(onExpiry, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the timer; the session has ended or its grant is being replaced. */
    public void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
