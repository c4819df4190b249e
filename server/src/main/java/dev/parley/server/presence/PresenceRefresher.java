package dev.parley.server.presence;

import dev.parley.server.redis.Redis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps this node's presence alive in Redis by a heartbeat ({@link NodeHeartbeat}), and cleans up
 * after dead nodes ({@link NodeCleaner}). Every {@code interval} a round renews this node's entry,
 * keeps its rooms in the room index, removes again the sessions whose leave failed, and cleans up
 * after each node whose entry lapsed: a constant number of commands, whatever the number of sessions. When this node's entry was missing or had
 * lapsed, or a connection to Redis came (back) up, the round first puts back every member and claim
 * of this node (re-creating what Redis or a cleaner removed); when the entry was missing, it also
 * looks for orphans, nodes with index keys but no entry (a failover lost {@code parley:nodes}), and
 * cleans up after those still without one a ttl and an interval later. One round at a time: while
 * Redis answers slower than the interval, a round that is due waits for the last.
 */
final class PresenceRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceRefresher.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Redis redis;
    private final Duration interval;
    private final long orphanWaitNanos;
    private final NickClaims claims;
    private final RoomMembers members;
    private final NodeHeartbeat heartbeat;
    private final NodeCleaner cleaner;
    private final Supplier<PresenceListener> listener;
    private final Counter expired;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean underWay = new AtomicBoolean();
    /** A connection came back during a round: another round once it ends. */
    private final AtomicBoolean again = new AtomicBoolean();
    /** Put back every member and claim at the next round (a connection came back, or putting back failed). */
    private final AtomicBoolean restoreDue = new AtomicBoolean();
    /** Look for orphans at the next round (the last look failed). */
    private final AtomicBoolean orphanLookDue = new AtomicBoolean();
    /** Whether a heartbeat has found this node's entry yet: the first finds it missing, as it should. */
    private volatile boolean beating;
    /** Nodes with index keys but no entry, by when (System.nanoTime) they count as dead. */
    private final Map<String, Long> suspects = new ConcurrentHashMap<>();
    private volatile Future<?> timer;

    PresenceRefresher(Redis redis, String nodeId, RedisPresence.Settings settings, NickClaims claims,
                      RoomMembers members, MeterRegistry registry, Supplier<PresenceListener> listener) {
        this.redis = redis;
        this.interval = settings.refreshInterval();
        this.orphanWaitNanos = settings.ttl().plus(interval).toNanos();
        this.claims = claims;
        this.members = members;
        this.heartbeat = new NodeHeartbeat(redis, nodeId, settings.ttl());
        this.cleaner = new NodeCleaner(redis, nodeId, settings.ttl(), this::expired);
        this.listener = listener;
        this.expired = Counter.builder("parley.presence.expired")
                .description("Members of dead nodes that this node removed from their rooms").register(registry);
    }

    /** Beats now and every interval from now on, and whenever a connection to Redis comes back. */
    void start() {
        long every = interval.toMillis();
        timer = redis.timers().scheduleWithFixedDelay(() -> refresh(false), 0, every, TimeUnit.MILLISECONDS);
        redis.onConnected(this::reconnected);
    }

    /** Stops beating; a round under way finishes. */
    void stop() {
        stopped.set(true);
        Future<?> running = timer;
        if (running != null) {
            running.cancel(false);
        }
    }

    /**
     * Ends this node's heartbeat at once ({@link NodeHeartbeat#end}) when it holds nothing in Redis
     * any more (its sessions left and released, none abandoned); otherwise its entry lapses and
     * another node cleans up after it.
     */
    CompletableFuture<Void> endIfEmpty() {
        return members.isEmpty() && claims.isEmpty() ? heartbeat.end() : DONE;
    }

    /** A connection to Redis came (back) up: put back at once what Redis may have lost. */
    private void reconnected() {
        restoreDue.set(true);
        refreshSoon();
    }

    private void refreshSoon() {
        if (stopped.get()) {
            return;
        }
        try {
            redis.timers().execute(() -> refresh(true));
        } catch (RejectedExecutionException shuttingDown) {
            // Redis is being closed: nothing left to refresh
        }
    }

    /** A round now, unless one is under way; then, if {@code urgent}, another right after it. */
    private void refresh(boolean urgent) {
        if (!underWay.compareAndSet(false, true)) {
            if (urgent) {
                again.set(true);
                if (!underWay.get() && again.getAndSet(false)) {
                    refreshSoon(); // the round ended between the two looks
                }
            }
            return;
        }
        try {
            refreshRound().whenComplete((done, failure) -> ended(failure));
        } catch (RuntimeException e) {
            // a command refused before it was sent (the client is shutting down): the next round retries
            ended(e);
        }
    }

    private void ended(Throwable failure) {
        report(failure);
        underWay.set(false);
        if (again.getAndSet(false)) {
            refreshSoon();
        }
    }

    /**
     * One round: the heartbeat, putting back what Redis lost when it says so, the room index, then
     * the clean-ups. The first round after failed ones cleans up after nobody: after an outage every
     * entry may have lapsed, and the other nodes need a round to renew theirs.
     */
    private CompletableFuture<Void> refreshRound() {
        boolean mayClean = !failing.get();
        // on a timer thread: commands written on Lettuce's event loop would go before joins queued earlier
        return heartbeat.beat(suspects.keySet()).thenComposeAsync(beat -> {
            boolean wasBeating = beating;
            beating = true;
            CompletableFuture<Void> restored = restoreDue.getAndSet(false) || beat.found() != NodeHeartbeat.Found.ALIVE
                    ? restore() : DONE;
            CompletableFuture<Void> indexed = members.renewRoomIndex();
            CompletableFuture<Void> retried = members.retryRemovals((room, nick) ->
                    listener.get().memberExpired(room, nick));
            boolean orphansDue = orphanLookDue.getAndSet(false)
                    || wasBeating && beat.found() == NodeHeartbeat.Found.MISSING;
            CompletableFuture<Void> orphans = orphansDue ? restored.thenCompose(done -> lookForOrphans())
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            orphanLookDue.set(true);
                        }
                    }) : DONE;
            CompletableFuture<Void> cleaned = mayClean ? cleanUp(beat) : DONE;
            return CompletableFuture.allOf(restored, indexed, retried, orphans, cleaned);
        }, redis.timers());
    }

    /** Puts back every member and claim of this node; on a failure, tries again next round. */
    private CompletableFuture<Void> restore() {
        return CompletableFuture.allOf(members.restore(), claims.restore()).whenComplete((done, failure) -> {
            if (failure != null) {
                restoreDue.set(true);
            }
        });
    }

    /**
     * Suspects every other node with index keys; the heartbeats of the next rounds tell whether it
     * has an entry. A look that failed (or whose putting back failed) is made again next round.
     */
    private CompletableFuture<Void> lookForOrphans() {
        return heartbeat.nodesWithIndexes().thenAccept(nodes -> {
            long deadline = System.nanoTime() + orphanWaitNanos;
            nodes.forEach(node -> suspects.putIfAbsent(node, deadline));
        });
    }

    /** Cleans up after the nodes whose entries lapsed, and the suspects without one past their deadline. */
    private CompletableFuture<Void> cleanUp(NodeHeartbeat.Beat beat) {
        List<CompletableFuture<?>> cleaned = new ArrayList<>();
        beat.dead().forEach(dead -> cleaned.add(cleaner.clean(dead)));
        suspects.keySet().retainAll(beat.absent());
        long now = System.nanoTime();
        suspects.forEach((orphan, deadline) -> {
            if (now - deadline >= 0) {
                LOG.info("cleaning up after node {}, which has index keys in Redis but no heartbeat", orphan);
                cleaned.add(cleaner.clean(orphan).thenAccept(done -> {
                    if (done) {
                        suspects.remove(orphan, deadline);
                    }
                }));
            }
        });
        return CompletableFuture.allOf(cleaned.toArray(CompletableFuture[]::new));
    }

    private void expired(String room, String nick) {
        expired.increment();
        listener.get().memberExpired(room, nick);
    }

    /** Logs when refreshing starts failing and when it works again, not every round. */
    private void report(Throwable failure) {
        if (failure != null && failing.compareAndSet(false, true)) {
            LOG.warn("presence refresh failed; retrying every {} ms: {}", interval.toMillis(), failure.toString());
        } else if (failure == null && failing.compareAndSet(true, false)) {
            LOG.info("presence refresh works again");
        }
    }
}
