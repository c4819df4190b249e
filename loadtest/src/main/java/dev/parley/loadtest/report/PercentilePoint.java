package dev.parley.loadtest.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;

/** One point of a latency percentile distribution: at {@code percentile}, latency was at most {@code ms}. */
public record PercentilePoint(double percentile, double ms) {
    /** Highest percentile plotted: beyond it, one sample decides the curve. */
    private static final double TOP = 99.999;

    /** The distribution of a histogram recorded in microseconds, HdrHistogram style (5 ticks per halving). */
    public static List<PercentilePoint> distribution(Histogram micros) {
        List<PercentilePoint> points = new ArrayList<>();
        if (micros.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue value : micros.percentiles(5)) {
            double percentile = value.getPercentileLevelIteratedTo();
            if (percentile > TOP) {
                break;
            }
            points.add(new PercentilePoint(percentile, micros.highestEquivalentValue(value.getValueIteratedTo()) / 1000.0));
        }
        points.add(new PercentilePoint(100, micros.getMaxValue() / 1000.0));
        return points;
    }
}
