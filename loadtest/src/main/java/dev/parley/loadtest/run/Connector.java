package dev.parley.loadtest.run;

import dev.parley.loadtest.net.FailureCause;
import dev.parley.loadtest.net.LoadClient;
import dev.parley.loadtest.net.LoadSession;
import dev.parley.loadtest.net.SessionListener;
import dev.parley.loadtest.report.ConnectionSummary;
import dev.parley.loadtest.report.Latency;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Opens many sessions from the calling (non-event-loop) thread: at most {@code concurrency}
 * openings in flight, and, with a ramp-up, session {@code i} started no earlier than
 * {@code i × rampUp / count} after the first. Every opening ends within a deadline, as a session
 * or as a failure counted by cause. The sessions come back in the order they were started.
 */
public final class Connector {
    /** How sessions are opened. {@code timeoutMs} bounds each of connect, handshake and hello. */
    public record Options(int concurrency, double rampUpSeconds, long timeoutMs) {
        public Options {
            if (concurrency < 1) {
                throw new IllegalArgumentException("connect concurrency must be at least 1");
            }
        }
    }

    /** The sessions that opened, the time each took to reach {@code welcome} (µs), and the failures by cause. */
    public record Result(int requested, List<LoadSession> sessions, Histogram connectMicros,
                         Map<String, Long> failures, double elapsedSeconds) {
        /** The report's view of this result. */
        public ConnectionSummary summary() {
            long failed = failures.values().stream().mapToLong(Long::longValue).sum();
            return new ConnectionSummary(requested, sessions.size(), failed, failures, Latency.ofMicros(connectMicros),
                    elapsedSeconds > 0 ? sessions.size() / elapsedSeconds : 0);
        }
    }

    private final LoadClient client;
    private final LiveStats stats;
    private final Options options;

    public Connector(LoadClient client, LiveStats stats, Options options) {
        this.client = client;
        this.stats = stats;
        this.options = options;
    }

    /**
     * Opens {@code count} sessions named {@code nick.apply(i)}, each with the listener
     * {@code listener} makes for it, and waits until every opening has ended.
     */
    public Result open(int count, IntFunction<String> nick, Function<LoadSession, SessionListener> listener) {
        Semaphore inFlight = new Semaphore(options.concurrency());
        Histogram connectMicros = new SynchronizedHistogram(LiveStats.MAX_LATENCY_MICROS, 3);
        ErrorCounts failures = new ErrorCounts();
        LoadSession[] opened = new LoadSession[count];
        List<CompletableFuture<?>> attempts = new ArrayList<>(count);
        long start = System.nanoTime();
        long spacingNanos = count == 0 ? 0 : (long) (options.rampUpSeconds() * 1e9 / count);
        for (int i = 0; i < count; i++) {
            int index = i;
            Waits.sleepUntil(start + i * spacingNanos);
            inFlight.acquireUninterruptibly();
            LoadSession session = client.open(nick.apply(i));
            session.listener(listener.apply(session));
            attempts.add(session.opened()
                    .orTimeout(3 * options.timeoutMs(), TimeUnit.MILLISECONDS)
                    .whenComplete((ok, failure) -> {
                        inFlight.release();
                        if (failure != null) {
                            String cause = FailureCause.of(failure);
                            failures.add(cause);
                            stats.errors().add("connect: " + cause);
                            session.close();
                            return;
                        }
                        connectMicros.recordValue(Math.min(LiveStats.MAX_LATENCY_MICROS, session.openNanos() / 1000));
                        stats.connected();
                        session.closed().thenRun(stats::disconnected);
                        opened[index] = session;
                    }));
        }
        CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        List<LoadSession> sessions = Arrays.stream(opened).filter(Objects::nonNull).toList();
        return new Result(count, sessions, connectMicros, failures.snapshot(), (System.nanoTime() - start) / 1e9);
    }
}
