package dev.parley.loadtest.run;

import dev.parley.loadtest.report.TimelinePoint;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints one progress line a second (connections, sent/s, delivered/s, p99 of that second and of
 * the run so far, errors so far) and keeps each second as a {@link TimelinePoint} for the report's charts. Runs on
 * its own daemon thread; {@link #close()} takes the last partial second and stops it.
 */
public final class Progress implements AutoCloseable {
    private final LiveStats stats;
    private final PrintStream out;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "loadtest-progress");
        thread.setDaemon(true);
        return thread;
    });
    private final List<TimelinePoint> timeline = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private volatile String phase = "connect";
    private long lastSent;
    private long lastDelivered;
    private long lastEvents;
    private long lastTickNanos = startNanos;
    /** Every latency since the run started (µs), for the "so far" figure. */
    private final Histogram soFar = new Histogram(LiveStats.MAX_LATENCY_MICROS, 3);

    public Progress(LiveStats stats, PrintStream out) {
        this.stats = stats;
        this.out = out;
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Names the phase that following lines belong to ("connect", "warmup", "measure", "drain", ...). */
    public void phase(String phase) {
        this.phase = phase;
    }

    private synchronized void tick() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
        long sent = stats.sentCount();
        long delivered = stats.deliveredCount();
        long events = stats.eventCount();
        Histogram recent = stats.recentLatencies();
        soFar.add(recent);
        double p99 = p99Ms(recent);
        TimelinePoint point = new TimelinePoint(Math.round((now - startNanos) / 1e9), phase, stats.connections(),
                Math.round((sent - lastSent) / seconds), Math.round((delivered - lastDelivered) / seconds),
                Math.round((events - lastEvents) / seconds), p99, stats.errors().total());
        lastSent = sent;
        lastDelivered = delivered;
        lastEvents = events;
        lastTickNanos = now;
        timeline.add(point);
        out.println(String.format(Locale.ROOT,
                "[%5ds] %-8s conns %,7d | sent/s %,8d | delivered/s %,9d | events/s %,9d | p99 %8.2f ms, so far %8.2f ms"
                        + " | errors %,d",
                point.second(), point.phase(), point.connections(), point.sentPerSec(), point.deliveredPerSec(),
                point.eventsPerSec(), point.p99Ms(), p99Ms(soFar), point.errors()));
    }

    private static double p99Ms(Histogram micros) {
        return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(99) / 1000.0;
    }

    /** The seconds recorded so far. */
    public synchronized List<TimelinePoint> timeline() {
        return List.copyOf(timeline);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
