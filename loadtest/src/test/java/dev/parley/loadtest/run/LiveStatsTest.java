package dev.parley.loadtest.run;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveStatsTest {
    private static final long MILLI = 1_000_000;

    @Test
    void measuresNothingBeforeAWindowOpens() {
        LiveStats stats = new LiveStats();
        for (long intended : new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE - MILLI}) {
            stats.delivered(intended, intended + MILLI);
            stats.acked(intended, intended + MILLI);
        }

        assertThat(stats.measuredLatencies().getTotalCount()).isZero();
        assertThat(stats.measuredAckLatencies().getTotalCount()).isZero();
        assertThat(stats.recentLatencies().getTotalCount()).isEqualTo(5);
    }

    @Test
    void measuresWhatWasIntendedFromTheStartUpToButNotIncludingTheEnd() {
        for (long start : new long[] {-500 * MILLI, 0, 7_000_000_000_000L}) {
            LiveStats stats = new LiveStats();
            long end = start + 1_000 * MILLI;
            stats.window(start, end);
            stats.delivered(start - 1, start + 90 * MILLI);
            stats.delivered(start, start + 2 * MILLI);
            stats.delivered(end - 1, end + 3 * MILLI);
            stats.delivered(end, end + 80 * MILLI);
            stats.acked(start - 1, start + 70 * MILLI);
            stats.acked(start + 5, start + 5 + 4 * MILLI);
            stats.acked(end, end + 60 * MILLI);

            Histogram deliveries = stats.measuredLatencies();
            Histogram acks = stats.measuredAckLatencies();
            assertThat(deliveries.getTotalCount()).isEqualTo(2);
            assertThat(deliveries.getMaxValue()).isBetween(2_990L, 3_010L);
            assertThat(acks.getTotalCount()).isEqualTo(1);
            assertThat(acks.getMaxValue()).isBetween(3_990L, 4_010L);
        }
    }
}
