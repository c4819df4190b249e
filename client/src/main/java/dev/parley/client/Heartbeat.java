package dev.parley.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches one connection for silence. The server sends a WebSocket ping every {@code heartbeatMs}
 * (advertised in {@code welcome}), so a server silent for longer than that plus a margin is
 * probed with a {@code ping}; when nothing at all arrives within another margin, the connection
 * is taken for dead. Every frame counts as a sign of life, pings and replies alike.
 *
 * <p>Control thread only; its one timer is cancelled by {@link #stop()}.
 */
final class Heartbeat {
    private final ScheduledExecutorService timer;
    private final long marginNanos;
    private Connection connection;
    private long limitNanos;
    private long probeSentAt;
    private boolean probing;
    private Runnable probe;
    private Runnable dead;
    private ScheduledFuture<?> check;

    Heartbeat(ScheduledExecutorService timer, Duration margin) {
        this.timer = timer;
        this.marginNanos = margin.toNanos();
    }

    /**
     * Starts watching {@code connection}.
     *
     * @param probe runs when the server has been silent too long: it should send something the server answers
     * @param dead  runs once when the probe got no answer either
     */
    void start(Connection connection, long heartbeatMs, Runnable probe, Runnable dead) {
        stop();
        this.connection = connection;
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMs) + marginNanos;
        this.probe = probe;
        this.dead = dead;
        schedule(limitNanos);
    }

    void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        connection = null;
        probing = false;
    }

    private void schedule(long delayNanos) {
        check = timer.schedule(this::check, Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
    }

    private void check() {
        if (connection == null) {
            return;
        }
        long now = System.nanoTime();
        long lastHeard = connection.lastHeardNanos();
        if (probing && lastHeard - probeSentAt >= 0) {
            probing = false;
        }
        long silent = now - lastHeard;
        if (silent < limitNanos) {
            schedule(limitNanos - silent);
        } else if (!probing) {
            probing = true;
            probeSentAt = now;
            probe.run();
            schedule(marginNanos);
        } else if (now - probeSentAt >= marginNanos) {
            Runnable giveUp = dead;
            stop();
            giveUp.run();
        } else {
            schedule(marginNanos - (now - probeSentAt));
        }
    }
}
