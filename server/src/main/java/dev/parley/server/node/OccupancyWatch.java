package dev.parley.server.node;

import dev.parley.server.presence.Presence;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;

/**
 * The rooms with local members whose joins and leaves are not announced one by one, because the
 * room is over the presence limit. Once an interval it reads each one's member count from
 * {@link Presence} and, when the count changed, has it announced to the room's local members. So
 * every node tells its own members, whatever node the joins came through, and nothing crosses
 * between nodes but the count reads.
 *
 * <p>A room stops being watched once a read finds it back at or under the limit (after announcing
 * that count, so members see where the room stands before single joins are announced again) or
 * without local members. The timer runs only while some room is watched, and never after
 * {@link #close()}.
 *
 * <p>Thread-safe; reads and announcements run on the executor given.
 */
final class OccupancyWatch {
    private static final Logger LOG = LoggerFactory.getLogger(OccupancyWatch.class);

    /** A watched room; changed only inside its map entry's compute. */
    private static final class Watch {
        /** The count last announced, or -1. */
        int announced = -1;
        /** A count read is on its way. */
        boolean reading;
        /** Someone asked to watch the room since the read on its way began. */
        boolean renewed;
    }

    private final Presence presence;
    private final int limit;
    private final EventExecutor executor;
    private final long intervalMs;
    private final Predicate<String> hasLocalMembers;
    private final ObjIntConsumer<String> announce;
    private final Map<String, Watch> watched = new ConcurrentHashMap<>();
    /** Guarded by this. */
    private ScheduledFuture<?> timer;
    /** Guarded by this. */
    private boolean closed;

    /**
     * @param limit           counts above it are watched
     * @param hasLocalMembers whether a room has members on this node
     * @param announce        tells a room's local members its count
     */
    OccupancyWatch(Presence presence, int limit, EventExecutor executor, long intervalMs,
                   Predicate<String> hasLocalMembers, ObjIntConsumer<String> announce) {
        this.presence = presence;
        this.limit = limit;
        this.executor = executor;
        this.intervalMs = intervalMs;
        this.hasLocalMembers = hasLocalMembers;
        this.announce = announce;
    }

    /** Watches {@code room}, which has gone over the limit, until it is back under or has no local member. */
    void watch(String room) {
        watched.compute(room, (name, watch) -> {
            if (watch == null) {
                return new Watch();
            }
            watch.renewed = true;
            return watch;
        });
        synchronized (this) {
            if (!closed && timer == null) {
                timer = executor.scheduleWithFixedDelay(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void tick() {
        for (String room : watched.keySet()) {
            boolean[] startRead = new boolean[1];
            watched.computeIfPresent(room, (name, watch) -> {
                startRead[0] = !watch.reading;
                watch.reading = true;
                watch.renewed = false;
                return watch;
            });
            if (startRead[0]) {
                presence.count(room).whenComplete((count, failure) -> executor.execute(() -> settle(room, count, failure)));
            }
        }
    }

    private void settle(String room, Integer count, Throwable failure) {
        if (failure != null) {
            LOG.debug("reading the member count of '{}' failed; trying again next time", room, failure);
        }
        boolean[] changed = new boolean[1];
        watched.computeIfPresent(room, (name, watch) -> {
            watch.reading = false;
            if (failure != null) {
                return watch;
            }
            changed[0] = count != watch.announced;
            watch.announced = count;
            boolean keep = watch.renewed || count > limit;
            return keep && hasLocalMembers.test(room) ? watch : null;
        });
        synchronized (this) {
            if (closed) {
                return;
            }
            if (watched.isEmpty() && timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
        if (changed[0]) {
            announce.accept(room, count);
        }
    }

    /** Stops watching for good. */
    synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        watched.clear();
    }
}
