package dev.parley.loadtest.report;

import org.HdrHistogram.Histogram;

/** Percentiles of one latency histogram, in milliseconds; all zero when nothing was recorded. */
public record Latency(long samples, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs,
                      double meanMs) {
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0, 0);

    /** The percentiles of a histogram recorded in microseconds. */
    public static Latency ofMicros(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return NONE;
        }
        return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
                ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()), micros.getMean() / 1000.0);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
