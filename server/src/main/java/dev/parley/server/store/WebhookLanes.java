package dev.parley.server.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An outbox of lanes that a cluster's nodes share: the webhooks waiting for the backend, a lane's
 * (a room's) to go one at a time in their order, delivered by whichever node holds the lane's
 * expiring lease. In the database ({@link WebhookOutbox}) or, a cluster on Redis without one, in
 * each room's slot of Redis (the broker's); one deliverer drives either.
 */
public interface WebhookLanes {
    /** A waiting webhook: its place in its lane, its id and body, the attempts made, when it was made (ms since the epoch). */
    record Row(String place, String id, String body, int attempts, long madeMs) {
    }

    /** Lanes with waiting webhooks that one look found, and where the next look goes on from ({@code ""}: from the start). */
    record Look(List<String> lanes, String next) {
    }

    /**
     * How a deliverer goes about the lanes: {@code leaseMs}, how long a lane stays with a node that
     * no longer renews its lease (one that died); {@code lookMs}, how often it looks for lanes with
     * waiting webhooks.
     */
    record Pace(long leaseMs, long lookMs) {
    }

    Pace pace();

    /** Some lanes with waiting webhooks, about {@code limit}, going on from where the last look said. */
    CompletableFuture<Look> lanes(String from, int limit);

    /** Adds {@code webhook} (one that no room event's write adds) to its lane. */
    CompletableFuture<Void> add(Webhook webhook);

    /** Takes or renews the lease of {@code lane} for {@code holder} for {@code ms}; false when another node holds it. */
    CompletableFuture<Boolean> lease(String lane, String holder, long ms);

    /** Renews every lease {@code holder} holds for {@code ms} more. */
    CompletableFuture<Void> renew(String holder, long ms);

    /** The first webhook waiting in {@code lane}, if any. */
    CompletableFuture<Optional<Row>> head(String lane);

    /**
     * Lets go of {@code lane} if {@code holder} holds it and it is empty; false when webhooks wait
     * in it (come since its head was read), which its holder then goes on with.
     */
    CompletableFuture<Boolean> release(String lane, String holder);

    /** Lets go of every lane {@code holder} holds: a node that stops, so that others need not wait for the leases to expire. */
    CompletableFuture<Void> releaseAll(String holder);

    /** {@code row} of {@code lane} was answered 2xx: gone. */
    CompletableFuture<Void> delivered(String lane, Row row);

    /** One more failed attempt at {@code row} of {@code lane}. */
    CompletableFuture<Void> failed(String lane, Row row);

    /** Webhooks waiting now, as far as this node can tell cheaply. */
    CompletableFuture<Long> size();
}
