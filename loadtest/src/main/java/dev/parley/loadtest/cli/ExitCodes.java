package dev.parley.loadtest.cli;

/** The harness's exit codes, one per outcome of a run. */
public final class ExitCodes {
    /** The run passed. */
    public static final int PASSED = 0;
    /** Deliveries lost, duplicated or reordered, or more errors than the budget. */
    public static final int FAILED = 1;
    /** Bad options. */
    public static final int USAGE = 2;
    /** The run itself broke. */
    public static final int BROKEN = 3;

    private ExitCodes() {
    }
}
