package dev.parley.server.presence;

import dev.parley.server.redis.Redis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps this node's presence alive in Redis: every {@code interval}, and at once whenever a
 * connection to Redis comes (back) up, it re-adds this node's members and claims (re-creating what
 * Redis lost), then removes the expired members of the rooms this node has members in and reports
 * each one it removed to the {@link PresenceListener}.
 */
final class PresenceRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceRefresher.class);

    private final Redis redis;
    private final Duration interval;
    private final NickClaims claims;
    private final RoomMembers members;
    private final Supplier<PresenceListener> listener;
    private final Counter expired;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Future<?> timer;

    PresenceRefresher(Redis redis, Duration interval, NickClaims claims, RoomMembers members, MeterRegistry registry,
                      Supplier<PresenceListener> listener) {
        this.redis = redis;
        this.interval = interval;
        this.claims = claims;
        this.members = members;
        this.listener = listener;
        this.expired = Counter.builder("parley.presence.expired")
                .description("Members of dead nodes that this node removed from their rooms").register(registry);
    }

    /** Refreshes every interval from now on, and whenever a connection to Redis comes back. */
    void start() {
        long every = interval.toMillis();
        timer = redis.timers().scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
        redis.onConnected(this::refreshSoon);
    }

    /** Stops refreshing; a round under way finishes. */
    void stop() {
        stopped.set(true);
        Future<?> running = timer;
        if (running != null) {
            running.cancel(false);
        }
    }

    /** A connection to Redis came (back) up: put back at once what Redis may have lost. */
    private void refreshSoon() {
        if (stopped.get()) {
            return;
        }
        try {
            redis.timers().execute(this::refresh);
        } catch (RejectedExecutionException shuttingDown) {
            // Redis is being closed: nothing left to refresh
        }
    }

    private void refresh() {
        try {
            refreshRound();
        } catch (RuntimeException e) {
            // a command refused before it was sent (the client is shutting down): the next round retries
            report(e);
        }
    }

    /**
     * One round: re-add members, then claims, then remove what expired. The first round after
     * failed ones removes nothing: after an outage every entry may have expired, and the other
     * nodes need a round to re-add their live ones.
     */
    private void refreshRound() {
        boolean removeExpired = !failing.get();
        CompletableFuture<Void> membersRefreshed = members.refresh();
        CompletableFuture<Void> claimsRefreshed = claims.refresh();
        CompletableFuture<Void> removed = removeExpired ? members.removeExpired(this::expired)
                : CompletableFuture.completedFuture(null);
        CompletableFuture.allOf(membersRefreshed, claimsRefreshed, removed).whenComplete((done, failure) -> report(failure));
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
