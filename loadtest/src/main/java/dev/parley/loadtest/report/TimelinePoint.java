package dev.parley.loadtest.report;

/**
 * One second of a run, as the progress line printed it: {@code deliveredPerSec} counts the
 * harness's own messages, {@code eventsPerSec} every event (presence, replies, ...) received.
 */
public record TimelinePoint(long second, String phase, int connections, long sentPerSec, long deliveredPerSec,
                            long eventsPerSec, double p99Ms, long errors) {
}
