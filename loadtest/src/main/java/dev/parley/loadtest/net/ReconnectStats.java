package dev.parley.loadtest.net;

import dev.parley.loadtest.report.Latency;
import dev.parley.loadtest.report.ReconnectSummary;
import org.HdrHistogram.Recorder;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the sessions of one {@link LoadClient} went through when they lost their connection:
 * losses, attempts (and the causes of those that failed), sessions resumed and given up, and the
 * time from each loss (the server's close frame, or the drop) until the session was usable again,
 * in µs. Thread-safe.
 */
public final class ReconnectStats {
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private final LongAdder losses = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder resumed = new LongAdder();
    private final LongAdder gaveUp = new LongAdder();
    private final Recorder timeToResume = new Recorder(MAX_MICROS, 3);
    private final Map<String, LongAdder> failedAttempts = new ConcurrentHashMap<>();

    void lost() {
        losses.increment();
    }

    void attempt() {
        attempts.increment();
    }

    void attemptFailed(String cause) {
        failedAttempts.computeIfAbsent(cause, c -> new LongAdder()).increment();
    }

    void resumed(long nanos) {
        resumed.increment();
        timeToResume.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1_000)));
    }

    void gaveUp() {
        gaveUp.increment();
    }

    public long losses() {
        return losses.sum();
    }

    /** Everything so far; call once, at the end of a run (it takes the histogram's samples). */
    public ReconnectSummary summary() {
        Map<String, Long> failed = new HashMap<>();
        failedAttempts.forEach((cause, count) -> failed.put(cause, count.sum()));
        return new ReconnectSummary(losses.sum(), attempts.sum(), resumed.sum(), gaveUp.sum(),
                Latency.ofMicros(timeToResume.getIntervalHistogram()), failed);
    }
}
