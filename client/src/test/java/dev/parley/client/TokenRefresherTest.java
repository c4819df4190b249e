package dev.parley.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenRefresherTest {

    @Test
    void refreshesAFifthOfTheLifetimeEarlyAtMostThirtySeconds() {
        long now = 1_000_000_000_000L;
        assertThat(TokenRefresher.delayMs(now / 1000 + 60, now)).isEqualTo(48_000);
        assertThat(TokenRefresher.delayMs(now / 1000 + 3600, now)).isEqualTo(3_570_000);
        assertThat(TokenRefresher.delayMs(now / 1000 + 5, now)).isEqualTo(4_000);
    }

    @Test
    void anExpiredTokenIsRefreshedAtOnce() {
        long now = 1_000_000_000_000L;
        assertThat(TokenRefresher.delayMs(now / 1000 - 3, now)).isZero();
    }
}
