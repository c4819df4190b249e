package dev.parley.loadtest.report;

import java.util.Map;

/**
 * How opening the sessions went: how many were asked for and opened, the failures by cause, the
 * time from TCP connect to {@code welcome}, and the opening rate.
 */
public record ConnectionSummary(int requested, int opened, long failed, Map<String, Long> failuresByCause,
                                Latency connectTime, double openedPerSec) {
    public ConnectionSummary {
        failuresByCause = Map.copyOf(failuresByCause);
    }
}
