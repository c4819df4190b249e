package dev.parley.loadtest.run;

import dev.parley.loadtest.net.LoadSession;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Sends on one session at a fixed rate, on that session's event loop. Message {@code k} is
 * <em>intended</em> at {@code first + k × interval}, whatever happened before: when the loop ran
 * late or the socket was full, the overdue messages go out as soon as possible, each still
 * carrying its intended time. That is what keeps the latency free of coordinated omission: a
 * stalled server cannot slow the schedule down and hide its stall.
 *
 * <p>While the session is not writable, or is reconnecting, the sender polls every
 * {@value #BLOCKED_POLL_MICROS} µs and lets the backlog grow in its schedule, never in memory; the
 * messages intended meanwhile go out once the session is back, and their latency shows the outage.
 */
public final class PacedSender {
    static final long BLOCKED_POLL_MICROS = 1_000;

    private final LoadSession session;
    private final long intervalNanos;
    private final long endNanos;
    private final LongConsumer write;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private long nextIntended;
    private ScheduledFuture<?> timer;
    private boolean stopped;

    /**
     * @param firstNanos the intended time of the first message
     * @param endNanos   no message is intended at or after this time
     * @param write      writes (without flushing) the message intended at the given time
     */
    public PacedSender(LoadSession session, double perSecond, long firstNanos, long endNanos, LongConsumer write) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.session = session;
        this.intervalNanos = Math.max(1, Math.round(1e9 / perSecond));
        this.nextIntended = firstNanos;
        this.endNanos = endNanos;
        this.write = write;
    }

    /** Starts sending; {@link #done()} completes when the schedule ends, the session closes or {@link #stop()}. */
    public PacedSender start() {
        session.eventLoop().execute(this::tick);
        return this;
    }

    public CompletableFuture<Void> done() {
        return done;
    }

    /** Whether every one of {@code senders} has finished. */
    public static boolean allDone(List<PacedSender> senders) {
        return senders.stream().allMatch(sender -> sender.done.isDone());
    }

    /** Stops early (idempotent). Any thread. */
    public void stop() {
        session.eventLoop().execute(() -> {
            stopped = true;
            finish();
        });
    }

    private void tick() {
        timer = null;
        if (stopped || session.isEnded()) {
            finish();
            return;
        }
        long now = System.nanoTime();
        boolean wrote = false;
        boolean open = session.isOpen();
        while (open && nextIntended <= now && nextIntended < endNanos && session.writable()) {
            write.accept(nextIntended);
            nextIntended += intervalNanos;
            wrote = true;
        }
        if (wrote) {
            session.flush();
        }
        if (nextIntended >= endNanos) {
            finish();
            return;
        }
        long delay = open && session.writable() ? nextIntended - now : TimeUnit.MICROSECONDS.toNanos(BLOCKED_POLL_MICROS);
        timer = session.eventLoop().schedule(this::tick, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void finish() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        done.complete(null);
    }
}
