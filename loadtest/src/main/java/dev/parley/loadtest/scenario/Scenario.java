package dev.parley.loadtest.scenario;

import dev.parley.loadtest.report.Report;

/** One kind of load: runs against the server behind a {@link RunContext} and reports what it found. */
public interface Scenario {
    /** Runs to the end (bounded by the scenario's own durations and timeouts) and reports. */
    Report run(RunContext ctx);
}
