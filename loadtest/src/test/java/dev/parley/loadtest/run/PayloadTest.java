package dev.parley.loadtest.run;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadTest {
    @Test
    void carriesTheIntendedTimeAndHasTheRequestedSize() {
        String text = Payload.text(-123_456_789L, 100);
        assertThat(text).hasSize(100).startsWith("t-123456789 x");
        assertThat(Payload.intendedNanos(text)).isEqualTo(-123_456_789L);
    }

    @Test
    void neverDropsTheTimestampForASmallSize() {
        String text = Payload.text(Long.MIN_VALUE, 1);
        assertThat(text).hasSize(Payload.MAX_HEADER_CHARS);
        assertThat(Payload.intendedNanos(text)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void textsFromOthersAreNotOurs() {
        assertThat(Payload.intendedNanos("hello")).isEqualTo(Payload.NOT_OURS);
        assertThat(Payload.intendedNanos("tea time")).isEqualTo(Payload.NOT_OURS);
        assertThat(Payload.intendedNanos("t")).isEqualTo(Payload.NOT_OURS);
        assertThat(Payload.intendedNanos(null)).isEqualTo(Payload.NOT_OURS);
    }
}
