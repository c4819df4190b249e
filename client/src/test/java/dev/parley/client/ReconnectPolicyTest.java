package dev.parley.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReconnectPolicyTest {

    @Test
    void backoffGrowsExponentiallyUpToTheMaximum() {
        ReconnectPolicy policy = ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withJitter(0);

        assertThat(policy.delay(1, 0.7)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delay(2, 0.7)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delay(4, 0.7)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.delay(5, 0.7)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delay(500, 0.7)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterTakesOffARandomPartOfTheWait() {
        ReconnectPolicy policy = ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withJitter(0.5);

        assertThat(policy.delay(2, 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delay(2, 0.5)).isEqualTo(Duration.ofMillis(150));
        assertThat(policy.delay(2, 0.999_999)).isBetween(Duration.ofMillis(100), Duration.ofMillis(101));
        assertThat(policy.delay(9, 0.0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void attemptsAreLimitedWhenAsked() {
        ReconnectPolicy unlimited = ReconnectPolicy.DEFAULT;
        ReconnectPolicy limited = unlimited.withMaxAttempts(3);

        assertThat(unlimited.allows(1_000_000)).isTrue();
        assertThat(limited.allows(3)).isTrue();
        assertThat(limited.allows(4)).isFalse();
        assertThat(ReconnectPolicy.DISABLED.allows(1)).isFalse();
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.DEFAULT.withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.DEFAULT.withMultiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.DEFAULT.withMaxAttempts(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
