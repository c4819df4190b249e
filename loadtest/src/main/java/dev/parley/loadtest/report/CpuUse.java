package dev.parley.loadtest.report;

/**
 * CPU time spent during a measurement window of {@code windowSeconds}: by the server (-1 when its
 * pid is unknown) and by this harness. On a machine shared with other work, CPU per delivery stays
 * comparable where latency and throughput do not.
 */
public record CpuUse(double windowSeconds, double serverCpuSeconds, double harnessCpuSeconds,
                     double serverCoresBusy, double serverCpuMicrosPerDelivery) {

    /** From CPU nanoseconds used in the window (-1 for unknown) and the deliveries made in it. */
    public static CpuUse of(double windowSeconds, long serverCpuNanos, long harnessCpuNanos, long deliveries) {
        double server = serverCpuNanos < 0 ? -1 : serverCpuNanos / 1e9;
        return new CpuUse(windowSeconds, server, harnessCpuNanos < 0 ? -1 : harnessCpuNanos / 1e9,
                server < 0 || windowSeconds <= 0 ? -1 : server / windowSeconds,
                server < 0 || deliveries <= 0 ? -1 : server * 1e6 / deliveries);
    }
}
