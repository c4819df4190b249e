package dev.parley.loadtest.net;

import dev.parley.loadtest.report.ReconnectSummary;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ReconnectStatsTest {
    @Test
    void countsFailedAttemptsByCauseBesideTheResumes() {
        ReconnectStats stats = new ReconnectStats();
        stats.lost();
        stats.attempt();
        stats.attemptFailed("hello error nick_taken");
        stats.attempt();
        stats.attemptFailed("refused");
        stats.attempt();
        stats.attemptFailed("hello error nick_taken");
        stats.attempt();
        stats.resumed(TimeUnit.SECONDS.toNanos(3));

        ReconnectSummary summary = stats.summary();

        assertThat(summary.lost()).isEqualTo(1);
        assertThat(summary.attempts()).isEqualTo(4);
        assertThat(summary.resumed()).isEqualTo(1);
        assertThat(summary.failedAttempts()).containsExactly(
                entry("hello error nick_taken", 2L),
                entry("refused", 1L));
        assertThat(summary.timeToResume().p50Ms()).isBetween(2_990.0, 3_010.0);
    }
}
