package dev.parley.server.presence;

import dev.parley.protocol.Names;
import dev.parley.server.redis.Redis;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Presence} shared by every node through Redis: nick claims that expire unless their node
 * refreshes them, room members with an expiry each, and a channel per node over which a node asks
 * another to evict a session whose nick was taken over with its resume secret.
 *
 * <p>Keys: {@code parley:nick:{<nick key>}} holds the claim ({@code <node> <session> <secret hash>}),
 * {@code parley:presence:{<room>}:members} the room's nicks (score 0, so read in nick order) and
 * {@code parley:presence:{<room>}:expiry} the same nicks scored by expiry time; {@code parley:presence:rooms}
 * lists rooms with members, scored by when no node will have refreshed them any more. Every
 * {@code refreshInterval} this node re-adds its own claims and members (re-creating what Redis
 * lost), then removes the expired members of the rooms it has members in and reports each one it
 * removed to the {@link PresenceListener}. Redis commands go through Lettuce's async API; while
 * Redis is out of reach they fail, and so do the futures returned here.
 */
public final class RedisPresence implements Presence {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);
    private static final String ROOM_INDEX = "parley:presence:rooms";
    private static final int CLAIM_ATTEMPTS = 3;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final PresenceListener NO_LISTENER = new PresenceListener() {
        @Override
        public void memberExpired(String room, String nick) {
        }

        @Override
        public CompletableFuture<Void> evict(String sessionId) {
            return DONE;
        }
    };

    /**
     * How long claims and memberships live without a refresh, how often this node refreshes its own
     * and removes expired ones, and how long a resume waits for another node to evict the old
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

    /** A claim's value in Redis: who holds the nick and the hash of the secret that takes it over. */
    private record Owner(String node, String session, String secretHash) {
        String encode() {
            return node + ' ' + session + ' ' + secretHash;
        }

        static Owner decode(String value) {
            String[] parts = value.split(" ", 3);
            return parts.length == 3 ? new Owner(parts[0], parts[1], parts[2]) : null;
        }
    }

    private final Redis redis;
    private final RedisAsyncCommands<String, String> commands;
    private final String nodeId;
    private final Settings settings;
    private final String ttlMs;
    /** This node's claims by key; an entry is read and changed only inside its map entry's compute. */
    private final Map<String, Owner> claims = new ConcurrentHashMap<>();
    /** This node's members by room; a set is read and changed only inside its map entry's compute. */
    private final Map<String, Set<String>> localMembers = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> evictions = new ConcurrentHashMap<>();
    private final AtomicLong evictionIds = new AtomicLong();
    private final AtomicBoolean refreshFailing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Counter expired;
    private final Counter evictionsAsked;
    private final Counter evictionsUnconfirmed;
    private final Counter claimsLost;
    private volatile PresenceListener listener = NO_LISTENER;
    private volatile Future<?> refreshing;

    private RedisPresence(Redis redis, String nodeId, Settings settings, MeterRegistry registry) {
        this.redis = redis;
        this.commands = redis.commands();
        this.nodeId = nodeId;
        this.settings = settings;
        this.ttlMs = Long.toString(settings.ttl().toMillis());
        this.expired = Counter.builder("parley.presence.expired")
                .description("Members of dead nodes that this node removed from their rooms").register(registry);
        this.evictionsAsked = Counter.builder("parley.presence.evictions")
                .description("Sessions on other nodes that this node asked to evict for a resume").register(registry);
        this.evictionsUnconfirmed = Counter.builder("parley.presence.evictions.unconfirmed")
                .description("Evictions on other nodes not confirmed within the timeout").register(registry);
        this.claimsLost = Counter.builder("parley.presence.claims.lost")
                .description("Local sessions whose nick claim another session held after Redis lost it").register(registry);
    }

    /**
     * Starts the presence of node {@code nodeId} (one word, unique among the nodes; a restarted
     * node takes a new one): subscribes to its node channel, then refreshes every
     * {@code refreshInterval} and whenever a connection to Redis comes back.
     */
    public static CompletableFuture<RedisPresence> open(Redis redis, String nodeId, Settings settings,
                                                       MeterRegistry registry) {
        if (nodeId.isEmpty() || nodeId.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a node id is one word: '" + nodeId + "'");
        }
        RedisPresence presence = new RedisPresence(redis, nodeId, settings, registry);
        return redis.connectPubSub().thenCompose(presence::subscribe).thenApply(subscribed -> {
            long interval = settings.refreshInterval().toMillis();
            presence.refreshing = redis.timers().scheduleWithFixedDelay(presence::refresh, interval, interval,
                    TimeUnit.MILLISECONDS);
            redis.onConnected(presence::refreshSoon);
            return presence;
        });
    }

    private CompletableFuture<Void> subscribe(StatefulRedisPubSubConnection<String, String> channel) {
        channel.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String name, String message) {
                redis.received();
                onNodeMessage(message);
            }
        });
        return redis.call(channel.async().subscribe(nodeChannel(nodeId)));
    }

    @Override
    public void listen(PresenceListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    // ---- nicks

    @Override
    public CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume) {
        Owner owner = new Owner(nodeId, claimant.sessionId(), hash(claimant.resumeSecret()));
        String key = nickKey(nick);
        return claim(key, owner, presentedResume == null ? null : hash(presentedResume), CLAIM_ATTEMPTS)
                .whenComplete((claim, failure) -> {
                    if (failure != null) {
                        withdraw(key, owner);
                    }
                });
    }

    /**
     * Deletes a claim that failed here but may have been made in Redis (a reply past the timeout):
     * left there, it would hold the nick until it expires, and the client, which never learnt the
     * new resume secret, could not take its nick back before that.
     */
    private void withdraw(String key, Owner owner) {
        claims.remove(key, owner);
        deleteIfHeldBy(key, owner).exceptionally(failure -> {
            LOG.debug("withdrawing the claim {} failed; it expires in {} ms: {}", key, ttlMs, failure.getMessage());
            return 0L;
        });
    }

    private CompletableFuture<NickClaim> claim(String key, Owner owner, String presentedHash, int attempts) {
        return call(commands.set(key, owner.encode(), SetArgs.Builder.nx().px(settings.ttl().toMillis())))
                .thenCompose(ok -> {
                    if (ok != null) {
                        claims.put(key, owner);
                        return CompletableFuture.completedFuture(NickClaim.GRANTED);
                    }
                    return call(commands.get(key)).thenCompose(value -> {
                        if (value == null) {
                            return retry(key, owner, presentedHash, attempts);
                        }
                        Owner holder = Owner.decode(value);
                        if (holder == null || presentedHash == null || !sameHash(holder.secretHash(), presentedHash)) {
                            return CompletableFuture.completedFuture(NickClaim.TAKEN);
                        }
                        return call(commands.<Long>eval(PresenceScripts.TAKE_OVER, ScriptOutputType.INTEGER,
                                new String[] {key}, value, owner.encode(), ttlMs)).thenCompose(took -> {
                                    if (took == 0) {
                                        return retry(key, owner, presentedHash, attempts);
                                    }
                                    claims.put(key, owner);
                                    return evictElsewhere(key, holder).thenApply(done -> NickClaim.replacing(holder.session()));
                                });
                    });
                });
    }

    /** The claim changed between two commands (expired, released, or taken over): look again, a few times. */
    private CompletableFuture<NickClaim> retry(String key, Owner owner, String presentedHash, int attempts) {
        return attempts > 1 ? claim(key, owner, presentedHash, attempts - 1) : CompletableFuture.completedFuture(NickClaim.TAKEN);
    }

    @Override
    public CompletableFuture<Void> release(String nick, String sessionId) {
        return releaseKey(nickKey(nick), sessionId);
    }

    private CompletableFuture<Void> releaseKey(String nickKey, String sessionId) {
        AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>(DONE);
        claims.computeIfPresent(nickKey, (key, owner) -> {
            if (!owner.session().equals(sessionId)) {
                return owner;
            }
            released.set(deleteIfHeldBy(key, owner).thenApply(deleted -> null));
            return null;
        });
        return released.get();
    }

    /** Deletes the claim on {@code key} while {@code owner} holds it; completes with 1 if it did. */
    private CompletableFuture<Long> deleteIfHeldBy(String key, Owner owner) {
        return call(commands.<Long>eval(PresenceScripts.RELEASE, ScriptOutputType.INTEGER, new String[] {key}, owner.encode()));
    }

    // ---- evictions on other nodes

    /**
     * Asks the node that held a nick to evict the session that held it, and completes when it has,
     * at once when the holder was on this node (the hub evicts it), or when no node listens on the
     * holder's channel any more (it died: nothing of it will remove the new session's rooms).
     * After {@code evictionTimeout} without an answer it completes anyway, so a resume never hangs.
     */
    private CompletableFuture<Void> evictElsewhere(String key, Owner holder) {
        if (holder.node().equals(nodeId)) {
            return DONE;
        }
        evictionsAsked.increment();
        long id = evictionIds.incrementAndGet();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        evictions.put(id, answered);
        publish(nodeChannel(holder.node()), "evict " + id + ' ' + nodeId + ' ' + holder.session() + ' ' + key)
                .whenComplete((listeners, failure) -> {
                    if (failure != null || listeners == 0) {
                        answered.complete(null);
                    }
                });
        return answered.orTimeout(settings.evictionTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((done, failure) -> {
                    evictions.remove(id);
                    if (failure != null) {
                        evictionsUnconfirmed.increment();
                        LOG.warn("node {} did not confirm evicting session {} within {} ms; going on", holder.node(),
                                holder.session(), settings.evictionTimeout().toMillis());
                    }
                    return null;
                });
    }

    /**
     * {@code evict <id> <reply node> <session> <nick key>} from a claimant, or {@code evicted <id>}
     * from an evicting node. The evicted session's claim is forgotten first: it is not this node's
     * to refresh or to report lost any more.
     */
    private void onNodeMessage(String message) {
        String[] parts = message.split(" ");
        if (parts.length == 5 && parts[0].equals("evict")) {
            claims.computeIfPresent(parts[4], (key, owner) -> owner.session().equals(parts[3]) ? null : owner);
            listener.evict(parts[3]).whenComplete((done, failure) ->
                    publish(nodeChannel(parts[2]), "evicted " + parts[1]));
        } else if (parts.length == 2 && parts[0].equals("evicted") && isNumber(parts[1])) {
            CompletableFuture<Void> answered = evictions.get(Long.parseLong(parts[1]));
            if (answered != null) {
                answered.complete(null);
            }
        } else {
            LOG.warn("ignoring a message on the node channel: {}", message);
        }
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.length() < 19 && text.chars().allMatch(Character::isDigit);
    }

    // ---- rooms

    @Override
    public CompletableFuture<RoomChange> join(String room, String nick) {
        AtomicReference<CompletableFuture<List<Object>>> added = new AtomicReference<>();
        localMembers.compute(room, (name, nicks) -> {
            Set<String> updated = nicks == null ? new HashSet<>() : nicks;
            updated.add(nick);
            added.set(addMembers(room, List.of(nick)));
            return updated;
        });
        return added.get().thenCompose(reply -> index(room, reply)
                        .thenApply(indexed -> new RoomChange(number(reply, 0) == 1, (int) number(reply, 1))))
                .whenComplete((change, failure) -> {
                    if (failure != null) {
                        forget(room, nick);
                    }
                });
    }

    /** The member stays in Redis with the expiry of this node's last refresh, which it no longer renews. */
    @Override
    public CompletableFuture<Void> abandon(String room, String nick) {
        forget(room, nick);
        return DONE;
    }

    private void forget(String room, String nick) {
        localMembers.computeIfPresent(room, (name, nicks) -> {
            nicks.remove(nick);
            return nicks.isEmpty() ? null : nicks;
        });
    }

    @Override
    public CompletableFuture<RoomChange> leave(String room, String nick) {
        AtomicReference<CompletableFuture<List<Object>>> removed = new AtomicReference<>();
        localMembers.compute(room, (name, nicks) -> {
            if (nicks != null) {
                nicks.remove(nick);
            }
            removed.set(call(commands.<List<Object>>eval(PresenceScripts.REMOVE_MEMBER, ScriptOutputType.MULTI,
                    roomKeys(room), nick)));
            return nicks == null || nicks.isEmpty() ? null : nicks;
        });
        return removed.get().thenApply(reply -> new RoomChange(number(reply, 0) == 1, (int) number(reply, 1)));
    }

    @Override
    public CompletableFuture<List<String>> members(String room, String after, int limit) {
        Range<String> range = after == null ? Range.unbounded()
                : Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded());
        return call(commands.zrangebylex(membersKey(room), range, Limit.create(0, limit)))
                .thenApply(Collections::unmodifiableList);
    }

    @Override
    public CompletableFuture<Integer> count(String room) {
        return call(commands.zcard(membersKey(room))).thenApply(Long::intValue);
    }

    @Override
    public CompletableFuture<Map<String, Integer>> rooms() {
        return call(commands.zrange(ROOM_INDEX, 0, -1)).thenCompose(names -> {
            Map<String, CompletableFuture<Long>> counts = new LinkedHashMap<>();
            names.forEach(room -> counts.put(room, call(commands.zcard(membersKey(room)))));
            return CompletableFuture.allOf(counts.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
                Map<String, Integer> withMembers = new HashMap<>();
                counts.forEach((room, count) -> {
                    int members = count.join().intValue();
                    if (members > 0) {
                        withMembers.put(room, members);
                    }
                });
                return withMembers;
            });
        });
    }

    /** Adds or re-adds {@code nicks} with a fresh expiry; replies {added, member count, expiry}. */
    private CompletableFuture<List<Object>> addMembers(String room, List<String> nicks) {
        String[] args = new String[nicks.size() + 1];
        args[0] = ttlMs;
        for (int i = 0; i < nicks.size(); i++) {
            args[i + 1] = nicks.get(i);
        }
        return call(commands.<List<Object>>eval(PresenceScripts.ADD_MEMBERS, ScriptOutputType.MULTI, roomKeys(room), args));
    }

    /** Keeps {@code room} in the room index until the expiry {@link #addMembers} gave its members. */
    private CompletableFuture<Long> index(String room, List<Object> added) {
        return call(commands.zadd(ROOM_INDEX, number(added, 2), room));
    }

    // ---- refresh and expiry

    /** A connection to Redis came (back) up: put back at once what Redis may have lost. */
    private void refreshSoon() {
        if (closed.get()) {
            return;
        }
        try {
            redis.timers().execute(this::refresh);
        } catch (RejectedExecutionException shuttingDown) {
            // Redis is being closed: nothing left to refresh
        }
    }

    /**
     * One round of keeping this node's entries alive: re-add its members and claims (re-creating
     * them when Redis lost them), then remove the expired members of its rooms and forget rooms
     * that nobody refreshed. The first round after failed ones removes nothing: after an outage
     * every entry may have expired, and the other nodes need a round to re-add their live ones.
     */
    private void refresh() {
        try {
            refreshRound();
        } catch (RuntimeException e) {
            // a command refused before it was sent (the client is shutting down): the next round retries
            reportRefresh(e);
        }
    }

    private void refreshRound() {
        boolean removeExpired = !refreshFailing.get();
        List<CompletableFuture<?>> steps = new ArrayList<>();
        for (String room : localMembers.keySet()) {
            localMembers.computeIfPresent(room, (name, nicks) -> {
                steps.add(addMembers(room, List.copyOf(nicks)).thenCompose(reply -> {
                    if (number(reply, 0) > 0) {
                        LOG.info("restored {} member(s) of room {} that Redis had lost", number(reply, 0), room);
                    }
                    return index(room, reply);
                }));
                return nicks;
            });
        }
        for (String key : claims.keySet()) {
            claims.computeIfPresent(key, (name, owner) -> {
                steps.add(call(commands.<Long>eval(PresenceScripts.REFRESH_CLAIM, ScriptOutputType.INTEGER,
                        new String[] {key}, owner.encode(), ttlMs)).thenAccept(kept -> {
                            if (kept == 0) {
                                lost(key, owner);
                            }
                        }));
                return owner;
            });
        }
        if (removeExpired) {
            for (String room : localMembers.keySet()) {
                steps.add(call(commands.<List<Object>>eval(PresenceScripts.REMOVE_EXPIRED, ScriptOutputType.MULTI,
                        roomKeys(room))).thenAccept(removed -> removed.forEach(nick -> {
                            expired.increment();
                            listener.memberExpired(room, (String) nick);
                        })));
            }
            steps.add(call(commands.eval(PresenceScripts.REMOVE_EXPIRED_ROOMS, ScriptOutputType.INTEGER, ROOM_INDEX)));
        }
        CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> reportRefresh(failure));
    }

    /** Logs when refreshing starts failing and when it works again, not every round. */
    private void reportRefresh(Throwable failure) {
        if (failure != null && refreshFailing.compareAndSet(false, true)) {
            LOG.warn("presence refresh failed; retrying every {} ms: {}", settings.refreshInterval().toMillis(),
                    failure.toString());
        } else if (failure == null && refreshFailing.compareAndSet(true, false)) {
            LOG.info("presence refresh works again");
        }
    }

    /**
     * Another session holds the nick that this node's session claimed: Redis lost the claim (it
     * restarted empty) and someone else claimed the nick before this refresh. The newer claim wins;
     * the local session is evicted as if replaced.
     */
    private void lost(String key, Owner owner) {
        if (claims.remove(key, owner)) {
            claimsLost.increment();
            LOG.info("session {} lost its nick claim {} to another session; evicting it", owner.session(), key);
            listener.evict(owner.session());
        }
    }

    /**
     * Stops refreshing and removes what this node still holds (its sessions normally left and
     * released already). The connections belong to {@link Redis}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Future<?> timer = refreshing;
        if (timer != null) {
            timer.cancel(false);
        }
        try {
            for (String room : List.copyOf(localMembers.keySet())) {
                Set<String> nicks = localMembers.remove(room);
                if (nicks != null) {
                    List.copyOf(nicks).forEach(nick -> leave(room, nick));
                }
            }
            for (Map.Entry<String, Owner> claim : List.copyOf(claims.entrySet())) {
                releaseKey(claim.getKey(), claim.getValue().session());
            }
        } catch (RuntimeException clientShutDown) {
            LOG.warn("could not remove this node's presence from Redis; it expires: {}", clientShutDown.toString());
        }
    }

    // ---- Redis

    /**
     * Every command goes through here: failures become {@code UnavailableException} and are counted.
     * Scripts are sent with {@code EVAL}, not by their SHA: the commands about one room or nick must
     * reach Redis in the order they were sent, which retrying a {@code NOSCRIPT} would break.
     */
    private <T> CompletableFuture<T> call(CompletionStage<T> command) {
        return redis.call(command);
    }

    private CompletableFuture<Long> publish(String channel, String message) {
        redis.published();
        return call(commands.publish(channel, message));
    }

    // ---- keys and values

    private static String nickKey(String nick) {
        return "parley:nick:{" + Names.nickKey(nick) + '}';
    }

    private static String membersKey(String room) {
        return "parley:presence:{" + room + "}:members";
    }

    private static String[] roomKeys(String room) {
        return new String[] {membersKey(room), "parley:presence:{" + room + "}:expiry"};
    }

    private static String nodeChannel(String nodeId) {
        return "parley:node:" + nodeId;
    }

    private static long number(List<Object> reply, int index) {
        return (Long) reply.get(index);
    }

    private static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static boolean sameHash(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
