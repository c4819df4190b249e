package dev.parley.server.auth;

import dev.parley.testing.EventLoops;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The expiry timer of a grant on a real event loop, with a clock standing at 0. */
class GrantExpiryTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AtomicInteger expired = new AtomicInteger();
    private final GrantExpiry expiry = new GrantExpiry();

    @AfterEach
    void tearDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private void renew(Grant granted) {
        expiry.renew(granted, loop, () -> 0L, expired::incrementAndGet);
    }

    private static Grant expiringIn(long ms) {
        return new Grant("nick", ms - GrantExpiry.LEEWAY_MS, null);
    }

    private void onLoop(Runnable action) throws Exception {
        loop.submit(action).get(5, TimeUnit.SECONDS);
    }

    @Test
    void runsOnceAtTheExpiryPlusTheLeeway() throws Exception {
        onLoop(() -> renew(expiringIn(50)));
        await().atMost(2, TimeUnit.SECONDS).until(() -> expired.get() == 1);
        assertThat(EventLoops.scheduledTasks(loop)).isZero();
    }

    @Test
    void aRenewalReplacesTheTimerAndCancelStopsIt() throws Exception {
        onLoop(() -> renew(expiringIn(60_000)));
        onLoop(() -> renew(expiringIn(120_000)));
        assertThat(EventLoops.scheduledTasks(loop)).isEqualTo(1);
        onLoop(expiry::cancel);
        assertThat(EventLoops.scheduledTasks(loop)).isZero();
        assertThat(expired.get()).isZero();
    }

    @Test
    void aGrantWithoutExpiryArmsNothing() throws Exception {
        onLoop(() -> renew(Grant.open("nick")));
        assertThat(EventLoops.scheduledTasks(loop)).isZero();
    }

    @Test
    void aRenewalWithoutExpiryStopsTheTimerOfTheGrantBefore() throws Exception {
        onLoop(() -> renew(expiringIn(60_000)));
        onLoop(() -> renew(Grant.open("nick")));
        assertThat(EventLoops.scheduledTasks(loop)).isZero();
        assertThat(expired.get()).isZero();
    }
}
