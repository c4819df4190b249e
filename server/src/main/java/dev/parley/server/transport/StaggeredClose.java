package dev.parley.server.transport;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The closing part of a graceful stop: fires {@link ServerContext#STOPPING} on the given
 * connections a few at a time, spread evenly over a window, so that the clients of a stopping node
 * (told 1001) do not all reconnect and resume elsewhere in the same instant. The pace never drops
 * below {@value #MIN_CLOSES_PER_SECOND} connections a second: a node takes that many resumes in
 * its stride, so a small node stops at once instead of waiting out the window for nothing.
 *
 * <pre>{@code
 * StaggeredClose closing = StaggeredClose.start(channels, 2_500, GlobalEventExecutor.INSTANCE);
 * ...
 * closing.cancel();   // once the grace period is over, whatever is left is closed outright
 * }</pre>
 */
public final class StaggeredClose {
    static final int MIN_CLOSES_PER_SECOND = 200;
    private static final long TICK_MS = 10;

    private final List<Channel> channels;
    private final long windowNanos;
    private final long startNanos = System.nanoTime();
    /** Confined to the executor's thread. */
    private int told;
    private volatile ScheduledFuture<?> ticker;

    private StaggeredClose(List<Channel> channels, long windowMs) {
        this.channels = List.copyOf(channels);
        long paceLimitMs = channels.size() * 1000L / MIN_CLOSES_PER_SECOND;
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(windowMs, paceLimitMs));
    }

    /** Starts telling {@code channels} to close over up to {@code windowMs}, on {@code executor}. */
    public static StaggeredClose start(List<Channel> channels, long windowMs, EventExecutor executor) {
        StaggeredClose close = new StaggeredClose(channels, windowMs);
        close.ticker = executor.scheduleAtFixedRate(close::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        return close;
    }

    /** The length of the spread actually used, after the pace limit. */
    public long windowMs() {
        return TimeUnit.NANOSECONDS.toMillis(windowNanos);
    }

    private void tick() {
        int total = channels.size();
        long elapsed = System.nanoTime() - startNanos;
        int due = elapsed >= windowNanos ? total : (int) Math.min(total, total * elapsed / windowNanos + 1);
        while (told < due) {
            channels.get(told++).pipeline().fireUserEventTriggered(ServerContext.STOPPING);
        }
        if (told == total) {
            cancel();
        }
    }

    /** Stops telling the rest (idempotent); any thread. */
    public void cancel() {
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
    }
}
