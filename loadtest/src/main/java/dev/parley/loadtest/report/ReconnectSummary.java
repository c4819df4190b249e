package dev.parley.loadtest.report;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sessions that lost their connection during a run and came back: connections lost (closed with
 * 1001 or dropped), attempts made, sessions resumed and given up, the time from loss to a usable
 * session again (resumed and back in its room), and the attempts that failed, by cause (what makes
 * a slow resume slow).
 */
public record ReconnectSummary(long lost, long attempts, long resumed, long gaveUp, Latency timeToResume,
                               Map<String, Long> failedAttempts) {
    public ReconnectSummary {
        failedAttempts = Collections.unmodifiableMap(new TreeMap<>(failedAttempts));
    }
}
