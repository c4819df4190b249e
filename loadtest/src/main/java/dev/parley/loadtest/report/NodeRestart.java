package dev.parley.loadtest.report;

/**
 * One node restart of {@code rolling-restart}: the command, its exit code (-1 when it did not end
 * in time), when it started (seconds into the run) and how long it took.
 */
public record NodeRestart(String command, int exitCode, double startedAtSeconds, double seconds) {
}
