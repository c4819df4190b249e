package dev.parley.loadtest.run;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running counts of one harness run, written by every event loop at once (adders and
 * HdrHistogram {@link Recorder}s: no locks on the hot path). Latencies are kept in microseconds.
 *
 * <p>Two latency recorders: {@code recent} takes every delivery and is emptied by the progress
 * line each second; {@code measured} takes only messages whose intended send time falls inside
 * the measurement window, so warm-up and drain never leak into the reported percentiles.
 * {@code acks} takes, for the same window, each send's time from its intended send time to its
 * {@code ack}.
 */
public final class LiveStats {
    /** Latencies above one hour are recorded as one hour. */
    public static final long MAX_LATENCY_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder unconfirmed = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder announcements = new LongAdder();
    private final AtomicInteger connections = new AtomicInteger();
    private final ErrorCounts errors = new ErrorCounts();
    private final Recorder measured = new Recorder(MAX_LATENCY_MICROS, SIGNIFICANT_DIGITS);
    private final Recorder recent = new Recorder(MAX_LATENCY_MICROS, SIGNIFICANT_DIGITS);
    private final Recorder acks = new Recorder(MAX_LATENCY_MICROS, SIGNIFICANT_DIGITS);
    /** Takes what falls outside the window; never read. */
    private final Recorder unmeasured = new Recorder(MAX_LATENCY_MICROS, SIGNIFICANT_DIGITS);
    /** By {@link #inWindow}: where a delivery's and an ack's latency go. */
    private final Recorder[] deliveries = {unmeasured, measured};
    private final Recorder[] ackTimes = {unmeasured, acks};
    /** The window: none yet. */
    private volatile long windowStart = 0;
    private volatile long windowEnd = 0;

    /** From now on, latencies of messages intended in {@code [startNanos, endNanos)} are measured. */
    public void window(long startNanos, long endNanos) {
        windowEnd = endNanos;
        windowStart = startNanos;
        measured.reset();
        acks.reset();
    }

    /** One delivery (or pong) of a message intended at {@code intendedNanos}. */
    public void delivered(long intendedNanos, long receivedNanos) {
        delivered.increment();
        long micros = micros(intendedNanos, receivedNanos);
        recent.recordValue(micros);
        deliveries[inWindow(intendedNanos)].recordValue(micros);
    }

    /** The {@code ack} of a send intended at {@code intendedNanos}. */
    public void acked(long intendedNanos, long receivedNanos) {
        acked();
        ackTimes[inWindow(intendedNanos)].recordValue(micros(intendedNanos, receivedNanos));
    }

    /**
     * 1 when {@code intendedNanos} lies in the window, else 0. Without a branch: the JIT compiles
     * the hot path during the warm-up, when no message is in the window yet, and would leave the
     * measured case out, to throw the receivers back to the interpreter in the window's first
     * second (measured: a p99 of 54 ms in that second, 9–16 ms in the others).
     */
    private int inWindow(long intendedNanos) {
        long before = (intendedNanos - windowStart) >>> 63;
        long after = (windowEnd - 1 - intendedNanos) >>> 63;
        return (int) ((before | after) ^ 1);
    }

    private static long micros(long intendedNanos, long receivedNanos) {
        return Math.min(MAX_LATENCY_MICROS, Math.max(0, (receivedNanos - intendedNanos) / 1_000));
    }

    /** Any event arrived (a message, a presence, a reply, ...). */
    public void event() {
        events.increment();
    }

    public long eventCount() {
        return events.sum();
    }

    /** A {@code presence} or {@code occupancy} event arrived: what filling a room costs its members. */
    public void announcement() {
        announcements.increment();
    }

    public long announcementCount() {
        return announcements.sum();
    }

    public void sent() {
        sent.increment();
    }

    public void acked() {
        acked.increment();
    }

    /** A sent command was answered with an {@code error} instead of being carried out. */
    public void rejected() {
        rejected.increment();
    }

    /** Sends whose connection was lost before their answer: the server may or may not have taken them. */
    public void unconfirmed(long count) {
        unconfirmed.add(count);
    }

    public long unconfirmedCount() {
        return unconfirmed.sum();
    }

    public void connected() {
        connections.incrementAndGet();
    }

    public void disconnected() {
        connections.decrementAndGet();
    }

    public long sentCount() {
        return sent.sum();
    }

    public long ackedCount() {
        return acked.sum();
    }

    public long rejectedCount() {
        return rejected.sum();
    }

    /** Whether every command sent so far has been acknowledged, rejected or lost with its connection. */
    public boolean allAnswered() {
        return acked.sum() + rejected.sum() + unconfirmed.sum() >= sent.sum();
    }

    public long deliveredCount() {
        return delivered.sum();
    }

    public int connections() {
        return connections.get();
    }

    public ErrorCounts errors() {
        return errors;
    }

    /** The measured latencies since {@link #window} (µs). */
    public Histogram measuredLatencies() {
        return measured.getIntervalHistogram();
    }

    /** The measured sends' times to their {@code ack} since {@link #window} (µs). */
    public Histogram measuredAckLatencies() {
        return acks.getIntervalHistogram();
    }

    /** Every latency since the last call (µs). */
    public Histogram recentLatencies() {
        return recent.getIntervalHistogram();
    }
}
