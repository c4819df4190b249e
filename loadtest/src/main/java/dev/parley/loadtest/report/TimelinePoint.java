package dev.parley.loadtest.report;

/** One second of a run, as the progress line printed it. */
public record TimelinePoint(long second, String phase, int connections, long sentPerSec, long deliveredPerSec,
                            double p99Ms, long errors) {
}
