package dev.parley.server.presence;

import dev.parley.server.redis.Redis;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Presence} shared by every node through Redis: nick claims, one per session, each naming its
 * node ({@link NickClaims}, which also asks another node to evict a session taken over with its
 * resume secret), room members counted by nick, each session in a room naming its node
 * ({@link RoomMembers}), and this node's heartbeat, which keeps all of them alive at once, with the
 * clean-up after dead nodes ({@link PresenceRefresher}). Keys are in {@link PresenceKeys};
 * docs/cluster.md describes the layout. Redis commands go through Lettuce's async API; while Redis is out of reach they fail, and
 * so do the futures returned here.
 */
public final class RedisPresence implements Presence {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);
    private static final PresenceListener NO_LISTENER = new PresenceListener() {
        @Override
        public void memberExpired(String room, String nick) {
        }

        @Override
        public CompletableFuture<Void> evict(String sessionId) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /**
     * How long a node's claims and memberships live after its last heartbeat, how often it beats and
     * cleans up after dead nodes, and how long a resume waits for another node to evict the old
     * session. A member of a node that dies is removed within {@code ttl + refreshInterval}.
     */
    public record Settings(Duration ttl, Duration refreshInterval, Duration evictionTimeout) {
        public Settings {
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            Objects.requireNonNull(evictionTimeout, "evictionTimeout");
            if (refreshInterval.isNegative() || refreshInterval.isZero() || refreshInterval.compareTo(ttl) >= 0) {
                throw new IllegalArgumentException("the refresh interval must be positive and shorter than the ttl");
            }
            if (evictionTimeout.isNegative() || evictionTimeout.isZero()) {
                throw new IllegalArgumentException("the eviction timeout must be positive");
            }
        }
    }

    private final NickClaims claims;
    private final RoomMembers members;
    private final PresenceRefresher refresher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile PresenceListener listener = NO_LISTENER;

    private RedisPresence(Redis redis, String nodeId, Settings settings, MeterRegistry registry) {
        this.claims = new NickClaims(redis, nodeId, settings, registry, () -> listener);
        this.members = new RoomMembers(redis, nodeId, settings.ttl());
        this.refresher = new PresenceRefresher(redis, nodeId, settings, claims, members, registry, () -> listener);
    }

    /**
     * Starts the presence of node {@code nodeId} (one word, unique among the nodes; a restarted
     * node takes a new one): subscribes to its node channel, then beats at once, every
     * {@code refreshInterval}, and whenever a connection to Redis comes back.
     */
    public static CompletableFuture<RedisPresence> open(Redis redis, String nodeId, Settings settings,
                                                       MeterRegistry registry) {
        if (nodeId.isEmpty() || nodeId.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a node id is one word: '" + nodeId + "'");
        }
        RedisPresence presence = new RedisPresence(redis, nodeId, settings, registry);
        return redis.connectPubSub().thenCompose(presence.claims::subscribe).thenApply(subscribed -> {
            presence.refresher.start();
            return presence;
        });
    }

    @Override
    public void listen(PresenceListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume, int maxSessions) {
        return claims.claim(nick, claimant, presentedResume, maxSessions);
    }

    @Override
    public CompletableFuture<Void> release(String nick, String sessionId) {
        return claims.release(sessionId);
    }

    @Override
    public CompletableFuture<RoomChange> join(String room, String nick, String sessionId) {
        return members.join(room, nick, sessionId);
    }

    /**
     * The session stays in Redis until this node's heartbeat lapses (it stops beating on
     * {@link #close}) and another node cleans up after it.
     */
    @Override
    public CompletableFuture<Void> abandon(String room, String nick, String sessionId) {
        members.forget(room, nick, sessionId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<RoomChange> leave(String room, String nick, String sessionId) {
        return members.leave(room, nick, sessionId);
    }

    @Override
    public CompletableFuture<List<String>> members(String room, String after, int limit) {
        return members.members(room, after, limit);
    }

    @Override
    public CompletableFuture<Integer> count(String room) {
        return members.count(room);
    }

    @Override
    public CompletableFuture<Map<String, Integer>> rooms() {
        return members.rooms();
    }

    /**
     * Stops beating and removes what this node still holds (its sessions normally left and released
     * already); once all of it is gone, and nothing was abandoned, its heartbeat and index keys too.
     * What is left, abandoned sessions, goes when another node sees the heartbeat lapse. Does not
     * wait: the connections belong to {@link Redis}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        refresher.stop();
        try {
            CompletableFuture.allOf(members.leaveAll(), claims.releaseAll())
                    .thenCompose(removed -> refresher.endIfEmpty())
                    .exceptionally(failure -> {
                        LOG.info("could not remove all of this node's presence from Redis; another node cleans up: {}",
                                failure.toString());
                        return null;
                    });
        } catch (RuntimeException clientShutDown) {
            LOG.warn("could not remove this node's presence from Redis; another node cleans up: {}",
                    clientShutDown.toString());
        }
    }
}
