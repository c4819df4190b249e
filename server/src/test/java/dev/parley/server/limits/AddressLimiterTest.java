package dev.parley.server.limits;

import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AddressLimiterTest {
    private static final InetAddress A = NetUtil.createInetAddressFromIpAddressString("192.0.2.1");
    private static final InetAddress B = NetUtil.createInetAddressFromIpAddressString("192.0.2.2");
    private final AtomicLong nanos = new AtomicLong(1_000);

    @Test
    void capsOpenConnectionsPerAddress() {
        AddressLimiter limiter = new AddressLimiter(2, 0, nanos::get);
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.ADMITTED);
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.ADMITTED);
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.TOO_MANY_OPEN);
        assertThat(limiter.acquire(B)).isEqualTo(AddressLimiter.Verdict.ADMITTED);
        limiter.release(A);
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.ADMITTED);
    }

    @Test
    void capsNewConnectionsPerSecond() {
        AddressLimiter limiter = new AddressLimiter(0, 2, nanos::get);
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.ADMITTED);
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.ADMITTED);
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.TOO_FAST);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.TOO_FAST);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(limiter.acquire(A)).isEqualTo(AddressLimiter.Verdict.ADMITTED);
    }

    @Test
    void sweepForgetsIdleAddressesOnly() {
        AddressLimiter limiter = new AddressLimiter(5, 5, nanos::get);
        limiter.acquire(A);
        limiter.acquire(B);
        limiter.release(B);
        limiter.sweep();
        assertThat(limiter.trackedAddresses()).as("B's second is not over yet").isEqualTo(2);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        limiter.sweep();
        assertThat(limiter.trackedAddresses()).as("A still has a connection open").isEqualTo(1);
    }

    @Test
    void offWhenBothLimitsAreZero() {
        assertThat(new AddressLimiter(0, 0, nanos::get).enabled()).isFalse();
        assertThat(new AddressLimiter(1, 0, nanos::get).enabled()).isTrue();
    }
}
