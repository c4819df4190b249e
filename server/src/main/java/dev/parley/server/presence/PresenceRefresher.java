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
 * each one it removed to the {@link PresenceListener}. One round at a time: while Redis answers
 * slower than the interval, a round that is due waits for the last, instead of adding its commands
 * to those that already wait (which, at tens of thousands of sessions, only made every command late).
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
    private final AtomicBoolean underWay = new AtomicBoolean();
    /** A connection came back during a round: another round once it ends. */
    private final AtomicBoolean again = new AtomicBoolean();
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
        timer = redis.timers().scheduleWithFixedDelay(() -> refresh(false), every, every, TimeUnit.MILLISECONDS);
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
     * One round: re-add members, then claims, then remove what expired. The first round after
     * failed ones removes nothing: after an outage every entry may have expired, and the other
     * nodes need a round to re-add their live ones.
     */
    private CompletableFuture<Void> refreshRound() {
        boolean removeExpired = !failing.get();
        CompletableFuture<Void> membersRefreshed = members.refresh();
        CompletableFuture<Void> claimsRefreshed = claims.refresh();
        CompletableFuture<Void> removed = removeExpired ? members.removeExpired(this::expired)
                : CompletableFuture.completedFuture(null);
        return CompletableFuture.allOf(membersRefreshed, claimsRefreshed, removed);
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
