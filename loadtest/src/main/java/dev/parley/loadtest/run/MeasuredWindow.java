package dev.parley.loadtest.run;

import dev.parley.loadtest.report.CpuUse;

/**
 * The timing of one measured stretch: senders start shortly after it is opened, send unmeasured
 * through the warm-up, then measured until the end. {@link #open} also tells {@link LiveStats}
 * which intended send times count; {@link #await} sleeps through both parts, naming them on the
 * progress line, and reports what was sent, delivered and spent on CPU in the measured part.
 */
public final class MeasuredWindow {
    /** Time between opening the window and the first intended message, for the senders to be scheduled. */
    private static final long START_DELAY_NANOS = 50_000_000;

    /** What happened in the measured part. */
    public record Result(double seconds, long sent, long delivered, CpuUse cpu) {
    }

    private final LiveStats stats;
    private final double durationSeconds;
    private final long start;
    private final long measureStart;
    private final long end;

    private MeasuredWindow(LiveStats stats, double warmupSeconds, double durationSeconds) {
        this.stats = stats;
        this.durationSeconds = durationSeconds;
        this.start = System.nanoTime() + START_DELAY_NANOS;
        this.measureStart = start + (long) (warmupSeconds * 1e9);
        this.end = measureStart + (long) (durationSeconds * 1e9);
    }

    /** A window starting now, and {@code stats} measuring messages intended inside it. */
    public static MeasuredWindow open(LiveStats stats, double warmupSeconds, double durationSeconds) {
        MeasuredWindow window = new MeasuredWindow(stats, warmupSeconds, durationSeconds);
        stats.window(window.measureStart, window.end);
        return window;
    }

    /** The intended time of the first message. */
    public long start() {
        return start;
    }

    /** No message is intended at or after this time. */
    public long end() {
        return end;
    }

    /** Sleeps through warm-up and measurement; on return the progress line says "drain". */
    public Result await(Progress progress, ServerProbe probe) {
        progress.phase("warmup");
        Waits.sleepUntil(measureStart);
        long sent = stats.sentCount();
        long delivered = stats.deliveredCount();
        long serverCpu = probe.serverCpuNanos();
        long harnessCpu = ServerProbe.harnessCpuNanos();
        progress.phase("measure");
        Waits.sleepUntil(end);
        long deliveredInWindow = stats.deliveredCount() - delivered;
        Result result = new Result(durationSeconds, stats.sentCount() - sent, deliveredInWindow,
                CpuUse.of(durationSeconds, spent(serverCpu, probe.serverCpuNanos()),
                        spent(harnessCpu, ServerProbe.harnessCpuNanos()), deliveredInWindow));
        progress.phase("drain");
        return result;
    }

    private static long spent(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }
}
