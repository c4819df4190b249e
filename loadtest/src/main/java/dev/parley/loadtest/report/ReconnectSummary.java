package dev.parley.loadtest.report;

/**
 * Sessions that lost their connection during a run and came back: connections lost (closed with
 * 1001 or dropped), attempts made, sessions resumed and given up, and the time from loss to a
 * usable session again (resumed and back in its room).
 */
public record ReconnectSummary(long lost, long attempts, long resumed, long gaveUp, Latency timeToResume) {
}
