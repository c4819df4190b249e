package dev.parley.server.auth;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A session's {@link Grant} and the timer that ends the session when it expires: past its
 * expiry the grant holds on for the leeway tokens are verified with, then {@code onExpiry} runs on
 * the session's event loop. Each new grant (hello, refresh) re-arms the timer; {@link #cancel}
 * stops it for good when the session ends.
 *
 * <p>Confined to the executor given.
 */
public final class GrantExpiry {
    /** Past its {@code exp}, a token is accepted this long, as the verifier's clock skew allows. */
    static final long LEEWAY_MS = TimeUnit.SECONDS.toMillis(JwtAuthenticator.CLOCK_SKEW_SECONDS);

    private final EventExecutor executor;
    private final LongSupplier clock;
    private final Runnable onExpiry;
    private Grant grant;
    private ScheduledFuture<?> timer;

    /** @param onExpiry closes the session; runs on {@code executor} */
    public GrantExpiry(EventExecutor executor, LongSupplier clock, Runnable onExpiry) {
        this.executor = executor;
        this.clock = clock;
        this.onExpiry = onExpiry;
    }

    /** What the current token allows; null before the first grant. */
    public Grant grant() {
        return grant;
    }

    /** Takes {@code granted} as the session's grant and (re)arms the timer for its expiry, if it has one. */
    public void renew(Grant granted) {
        grant = granted;
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
