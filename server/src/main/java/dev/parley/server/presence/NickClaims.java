package dev.parley.server.presence;

import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.Redis;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The nick claims of {@link RedisPresence}: claiming a nick, taking it over with the holder's
 * resume secret, releasing it, keeping this node's claims alive, and the evictions that a take-over
 * asks of the node holding the old session, over the nodes' channels
 * ({@link PresenceKeys#nodeChannel}).
 */
final class NickClaims {
    private static final Logger LOG = LoggerFactory.getLogger(NickClaims.class);
    private static final int CLAIM_ATTEMPTS = 3;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final LuaScript TAKE_OVER = LuaScript.fromResources("presence/take-over");
    private static final LuaScript RELEASE = LuaScript.fromResources("presence/release");
    private static final LuaScript REFRESH = LuaScript.fromResources("presence/refresh-claim");

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
    private final RedisPresence.Settings settings;
    private final String ttlMs;
    private final Supplier<PresenceListener> listener;
    /** This node's claims by key; an entry is read and changed only inside its map entry's compute. */
    private final Map<String, Owner> claims = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> evictions = new ConcurrentHashMap<>();
    private final AtomicLong evictionIds = new AtomicLong();
    private final Counter evictionsAsked;
    private final Counter evictionsUnconfirmed;
    private final Counter claimsLost;

    NickClaims(Redis redis, String nodeId, RedisPresence.Settings settings, MeterRegistry registry,
               Supplier<PresenceListener> listener) {
        this.redis = redis;
        this.commands = redis.commands();
        this.nodeId = nodeId;
        this.settings = settings;
        this.ttlMs = Long.toString(settings.ttl().toMillis());
        this.listener = listener;
        this.evictionsAsked = Counter.builder("parley.presence.evictions")
                .description("Sessions on other nodes that this node asked to evict for a resume").register(registry);
        this.evictionsUnconfirmed = Counter.builder("parley.presence.evictions.unconfirmed")
                .description("Evictions on other nodes not confirmed within the timeout").register(registry);
        this.claimsLost = Counter.builder("parley.presence.claims.lost")
                .description("Local sessions whose nick claim another session held after Redis lost it").register(registry);
    }

    /** Listens on this node's channel for eviction requests and answers; completes once subscribed. */
    CompletableFuture<Void> subscribe(StatefulRedisPubSubConnection<String, String> channel) {
        channel.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String name, String message) {
                redis.received();
                onNodeMessage(message);
            }
        });
        return redis.call(channel.async().subscribe(PresenceKeys.nodeChannel(nodeId)));
    }

    CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume) {
        Owner owner = new Owner(nodeId, claimant.sessionId(), hash(claimant.resumeSecret()));
        String key = PresenceKeys.nick(nick);
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
        return redis.call(commands.set(key, owner.encode(), SetArgs.Builder.nx().px(settings.ttl().toMillis())))
                .thenCompose(ok -> {
                    if (ok != null) {
                        claims.put(key, owner);
                        return CompletableFuture.completedFuture(NickClaim.GRANTED);
                    }
                    return redis.call(commands.get(key)).thenCompose(value -> {
                        if (value == null) {
                            return retry(key, owner, presentedHash, attempts);
                        }
                        Owner holder = Owner.decode(value);
                        if (holder == null || presentedHash == null || !sameHash(holder.secretHash(), presentedHash)) {
                            return CompletableFuture.completedFuture(NickClaim.TAKEN);
                        }
                        return redis.call(TAKE_OVER.<Long>runInOrder(commands, ScriptOutputType.INTEGER,
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

    CompletableFuture<Void> release(String nick, String sessionId) {
        return releaseKey(PresenceKeys.nick(nick), sessionId);
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

    /** Releases every claim this node still holds (it is stopping). */
    void releaseAll() {
        for (Map.Entry<String, Owner> claim : List.copyOf(claims.entrySet())) {
            releaseKey(claim.getKey(), claim.getValue().session());
        }
    }

    /** Deletes the claim on {@code key} while {@code owner} holds it; completes with 1 if it did. */
    private CompletableFuture<Long> deleteIfHeldBy(String key, Owner owner) {
        return redis.call(RELEASE.runInOrder(commands, ScriptOutputType.INTEGER, new String[] {key}, owner.encode()));
    }

    /**
     * Extends each of this node's claims, re-creating those Redis lost; a claim that another
     * session holds now is lost, and its local session evicted. Completes when every claim is done.
     */
    CompletableFuture<Void> refresh() {
        List<CompletableFuture<Void>> refreshed = new ArrayList<>();
        for (String key : claims.keySet()) {
            claims.computeIfPresent(key, (name, owner) -> {
                refreshed.add(redis.call(REFRESH.<Long>runInOrder(commands, ScriptOutputType.INTEGER,
                        new String[] {key}, owner.encode(), ttlMs)).thenAccept(kept -> {
                            if (kept == 0) {
                                lost(key, owner);
                            }
                        }));
                return owner;
            });
        }
        return CompletableFuture.allOf(refreshed.toArray(CompletableFuture[]::new));
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
            listener.get().evict(owner.session());
        }
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
        publish(PresenceKeys.nodeChannel(holder.node()), "evict " + id + ' ' + nodeId + ' ' + holder.session() + ' ' + key)
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
            listener.get().evict(parts[3]).whenComplete((done, failure) ->
                    publish(PresenceKeys.nodeChannel(parts[2]), "evicted " + parts[1]));
        } else if (parts.length == 2 && parts[0].equals("evicted") && isNumber(parts[1])) {
            CompletableFuture<Void> answered = evictions.get(Long.parseLong(parts[1]));
            if (answered != null) {
                answered.complete(null);
            }
        } else {
            LOG.warn("ignoring a message on the node channel: {}", message);
        }
    }

    private CompletableFuture<Long> publish(String channel, String message) {
        redis.published();
        return redis.call(commands.publish(channel, message));
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.length() < 19 && text.chars().allMatch(Character::isDigit);
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
