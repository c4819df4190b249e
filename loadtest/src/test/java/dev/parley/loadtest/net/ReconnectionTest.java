package dev.parley.loadtest.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReconnectionTest {
    private final Reconnection policy = new Reconnection(true, 200, 1_000, 60_000);

    @Test
    void eachWaitIsFromHalfToAllOfADoublingCeiling() {
        assertThat(policy.delayMs(1, 0.0)).isEqualTo(100);
        assertThat(policy.delayMs(1, 0.999)).isBetween(199L, 200L);
        assertThat(policy.delayMs(2, 0.0)).isEqualTo(200);
        assertThat(policy.delayMs(2, 0.5)).isEqualTo(300);
        assertThat(policy.delayMs(3, 0.0)).isEqualTo(400);
        assertThat(policy.delayMs(4, 0.0)).as("capped at the max delay").isEqualTo(500);
        assertThat(policy.delayMs(1_000, 0.999)).isBetween(999L, 1_000L);
    }

    @Test
    void refusesAnUpsideDownPolicy() {
        assertThatThrownBy(() -> new Reconnection(true, 500, 100, 1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Reconnection.DISABLED.enabled()).isFalse();
    }
}
