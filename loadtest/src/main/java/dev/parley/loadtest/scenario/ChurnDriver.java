package dev.parley.loadtest.scenario;

import dev.parley.loadtest.net.FailureCause;
import dev.parley.loadtest.net.LoadSession;
import dev.parley.loadtest.run.LiveStats;
import dev.parley.loadtest.run.Waits;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The churn of {@code churn}: {@code perSecond} times a second a new session opens, joins a room
 * (round robin) and, {@code lifetimeSeconds} later, leaves by closing; while in its room its
 * deliveries are checked like everyone else's. Its own thread schedules the openings; each
 * session's close is scheduled on that session's event loop.
 */
final class ChurnDriver {
    private final RunContext ctx;
    private final ChatLoad chat;
    private final LiveStats stats;
    private final double perSecond;
    private final long lifetimeNanos;
    private final int firstIndex;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "loadtest-churn");
        thread.setDaemon(true);
        return thread;
    });
    /** Churn sessions that joined, with their receivers; guarded by itself. */
    private final List<Churner> churners = new ArrayList<>();
    private final List<CompletableFuture<?>> attempts = new ArrayList<>();
    private final Histogram joinMicros = new SynchronizedHistogram(LiveStats.MAX_LATENCY_MICROS, 3);
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private int next;

    private record Churner(LoadSession session, Receiver receiver) {
    }

    /** What churn did: sessions opened and closed, openings failed, time from connect to joined (µs). */
    record Result(long opened, long closed, long failed, Histogram joinMicros) {
    }

    ChurnDriver(RunContext ctx, ChatLoad chat, double perSecond, double lifetimeSeconds, int firstIndex) {
        this.ctx = ctx;
        this.chat = chat;
        this.stats = ctx.stats();
        this.perSecond = perSecond;
        this.lifetimeNanos = (long) (lifetimeSeconds * 1e9);
        this.firstIndex = firstIndex;
    }

    void start() {
        ticker.scheduleAtFixedRate(this::churnOne, 0, Math.max(1, Math.round(1e9 / perSecond)), TimeUnit.NANOSECONDS);
    }

    private void churnOne() {
        int index = next++;
        long start = System.nanoTime();
        LoadSession session = ctx.client().open(ctx.nick(firstIndex + index));
        Receiver receiver = new Receiver(stats);
        session.listener(receiver);
        CompletableFuture<?> attempt = session.opened()
                .orTimeout(ctx.drainTimeoutMs(), TimeUnit.MILLISECONDS)
                .thenCompose(s -> receiver.join(s, chat.room(index)))
                .orTimeout(ctx.drainTimeoutMs(), TimeUnit.MILLISECONDS)
                .whenComplete((offset, failure) -> {
                    if (failure != null) {
                        failed.incrementAndGet();
                        stats.errors().add("churn: " + FailureCause.of(failure));
                        session.close();
                        return;
                    }
                    joinMicros.recordValue(Math.min(LiveStats.MAX_LATENCY_MICROS, (System.nanoTime() - start) / 1000));
                    opened.incrementAndGet();
                    stats.connected();
                    synchronized (churners) {
                        churners.add(new Churner(session, receiver));
                    }
                    session.eventLoop().schedule(() -> leave(session, receiver), lifetimeNanos, TimeUnit.NANOSECONDS);
                });
        synchronized (attempts) {
            attempts.add(attempt);
        }
    }

    /** On the churner's event loop. */
    private void leave(LoadSession session, Receiver receiver) {
        if (!session.isOpen()) {
            return;
        }
        receiver.leave();
        session.close().thenRun(() -> {
            closed.incrementAndGet();
            stats.disconnected();
        });
    }

    /** Stops opening, closes the churners still in their rooms, and waits (bounded) for it all. */
    Result stop() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(ctx.drainTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CompletableFuture<?> all;
        synchronized (attempts) {
            all = CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new));
        }
        Waits.await(all::isDone, ctx.drainTimeoutMs());
        List<Churner> left = snapshot();
        for (Churner churner : left) {
            churner.session().eventLoop().execute(() -> leave(churner.session(), churner.receiver()));
        }
        Waits.await(() -> left.stream().allMatch(c -> c.session().closed().isDone()), ctx.drainTimeoutMs());
        return new Result(opened.get(), closed.get(), failed.get(), joinMicros);
    }

    /** Every churner's delivery check, added up on their event loops. */
    Faults faults() {
        Faults total = Faults.NONE;
        for (Churner churner : snapshot()) {
            total = total.plus(churner.session().eventLoop().submit(churner.receiver()::faults)
                    .syncUninterruptibly().getNow());
        }
        return total;
    }

    private List<Churner> snapshot() {
        synchronized (churners) {
            return List.copyOf(churners);
        }
    }
}
