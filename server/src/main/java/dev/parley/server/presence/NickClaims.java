package dev.parley.server.presence;

import dev.parley.protocol.Names;
import dev.parley.server.redis.LuaScript;
import dev.parley.server.redis.PubSub;
import dev.parley.server.redis.Redis;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
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
 * The nick claims of {@link RedisPresence}, one per session: claiming a nick, taking a session's
 * claim over with its resume secret, releasing it, putting this node's claims back when Redis lost
 * them, the index of the nicks it holds ({@link NodeIndex}) that whoever cleans up after it reads, and the
 * evictions that a take-over asks of the node holding the old session, over the nodes' channels
 * ({@link PresenceKeys#nodeChannel}).
 */
final class NickClaims {
    private static final Logger LOG = LoggerFactory.getLogger(NickClaims.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final LuaScript CLAIM = LuaScript.fromResources("presence/now", "presence/claims", "presence/claim");
    private static final LuaScript RELEASE = LuaScript.fromResources("presence/release");
    private static final LuaScript RESTORE = LuaScript.fromResources("presence/now", "presence/claims",
            "presence/restore-claim");

    /**
     * A session's claim: its nick's keys, the most sessions its user may hold, and its value in
     * Redis: the node that holds the session, the hash of the secret that takes it over, and the
     * nick as spelt.
     */
    private record Claim(String[] keys, String maxSessions, String session, String node, String secretHash,
                         String nick) {
        String value() {
            return node + ' ' + secretHash + ' ' + nick;
        }

        String nickKey() {
            return Names.nickKey(nick);
        }
    }

    private final Redis redis;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final String nodeId;
    private final RedisPresence.Settings settings;
    private final String ttlMs;
    private final Supplier<PresenceListener> listener;
    /** This node's claims by session id; an entry is read and changed only inside its map entry's compute. */
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    /** The nicks this node holds claims of as Redis has them: those in {@link #claims}, and any not yet released there. */
    private final NodeIndex nicks;
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
        this.nicks = new NodeIndex(redis, PresenceKeys.nodeNicks(nodeId));
        this.evictionsAsked = Counter.builder("parley.presence.evictions")
                .description("Sessions on other nodes that this node asked to evict for a resume").register(registry);
        this.evictionsUnconfirmed = Counter.builder("parley.presence.evictions.unconfirmed")
                .description("Evictions on other nodes not confirmed within the timeout").register(registry);
        this.claimsLost = Counter.builder("parley.presence.claims.lost")
                .description("Local sessions whose nick claim was gone when their node put it back")
                .register(registry);
    }

    /** Listens on this node's channel for eviction requests and answers; completes once subscribed. */
    CompletableFuture<Void> subscribe(PubSub channel) {
        channel.listen((name, message) -> onNodeMessage(message));
        return channel.subscribe(PresenceKeys.nodeChannel(nodeId));
    }

    /** The nick is in this node's index before the claim is made, so a cleaner finds the claim. */
    CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume, int maxSessions) {
        Claim claim = new Claim(PresenceKeys.nick(nick), Integer.toString(maxSessions), claimant.sessionId(), nodeId,
                hash(claimant.resumeSecret()), nick);
        CompletableFuture<Void> indexed = nicks.hold(claim.nickKey());
        CompletableFuture<List<Object>> made = redis.call(CLAIM.runInOrder(commands, ScriptOutputType.MULTI,
                claim.keys(), ttlMs, claim.maxSessions(), claim.session(), claim.value(), nick,
                presentedResume == null ? "" : hash(presentedResume)));
        return indexed.thenCombine(made, (done, reply) -> reply).thenCompose(reply -> {
                    long outcome = (Long) reply.get(0);
                    if (outcome != 1) {
                        nicks.release(claim.nickKey());
                        return CompletableFuture.completedFuture(outcome == 0 ? NickClaim.TAKEN : NickClaim.FULL);
                    }
                    claims.put(claim.session(), claim);
                    if (reply.size() == 1) {
                        return CompletableFuture.completedFuture(NickClaim.GRANTED);
                    }
                    String replaced = (String) reply.get(1);
                    String replacedNode = ((String) reply.get(2)).split(" ", 2)[0];
                    return evictElsewhere(replacedNode, replaced).thenApply(done -> NickClaim.replacing(replaced));
                }).whenComplete((granted, failure) -> {
                    if (failure != null) {
                        withdraw(claim);
                    }
                });
    }

    /**
     * Deletes a claim that failed here but may have been made in Redis (a reply past the timeout):
     * left there, it would count against the user's sessions; while deleting fails too, the nick
     * stays in this node's index, so that a cleaner would delete it.
     */
    private void withdraw(Claim claim) {
        claims.remove(claim.session(), claim);
        delete(claim).exceptionally(failure -> {
            LOG.debug("withdrawing the claim of {} failed: {}", claim.session(), failure.getMessage());
            return null;
        });
    }

    CompletableFuture<Void> release(String sessionId) {
        AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>(DONE);
        claims.computeIfPresent(sessionId, (session, claim) -> {
            released.set(delete(claim));
            return null;
        });
        return released.get();
    }

    /** Releases every claim this node still holds (it is stopping); completes when all are gone. */
    CompletableFuture<Void> releaseAll() {
        return CompletableFuture.allOf(List.copyOf(claims.keySet()).stream().map(this::release)
                .toArray(CompletableFuture[]::new));
    }

    /** Whether this node holds no claim in Redis any more. */
    boolean isEmpty() {
        return nicks.isEmpty();
    }

    /** Deletes the claim while it is still this one, then its nick from this node's index unless another claim holds it. */
    private CompletableFuture<Void> delete(Claim claim) {
        return redis.call(RELEASE.<Long>runInOrder(commands, ScriptOutputType.INTEGER, claim.keys(), claim.session(),
                claim.value())).thenAccept(deleted -> nicks.release(claim.nickKey()));
    }

    /**
     * Re-creates this node's claims that Redis lost, while their nick has room for them, and its
     * index of nicks; a claim taken over, or one that others hold the nick in place of, is lost, and
     * its local session evicted. One command per claim: this runs only when Redis lost this node's
     * state. Completes when every claim is done.
     */
    CompletableFuture<Void> restore() {
        List<CompletableFuture<?>> restored = new ArrayList<>();
        restored.add(nicks.restore());
        for (String session : claims.keySet()) {
            claims.computeIfPresent(session, (id, claim) -> {
                restored.add(redis.call(RESTORE.<Long>runInOrder(commands, ScriptOutputType.INTEGER, claim.keys(),
                        claim.maxSessions(), claim.session(), claim.value(), claim.nick())).thenAccept(kept -> {
                            if (kept == 0) {
                                lost(claim);
                            }
                        }));
                return claim;
            });
        }
        return CompletableFuture.allOf(restored.toArray(CompletableFuture[]::new));
    }

    /**
     * A claim of this node's session is gone, and cannot be put back: it was taken over (the
     * eviction is on its way), or Redis lost it (it restarted empty, or this node could not refresh
     * it in time) and other sessions claimed the nick since, under another spelling or as many as
     * it may have. The newer claims win; the session is evicted as if replaced.
     */
    private void lost(Claim claim) {
        if (claims.remove(claim.session(), claim)) {
            nicks.release(claim.nickKey());
            claimsLost.increment();
            LOG.info("session {} lost its claim of nick {}; evicting it", claim.session(), claim.nick());
            listener.get().evict(claim.session());
        }
    }

    // ---- evictions on other nodes

    /**
     * Asks the node that held a nick to evict the session that held it, and completes when it has,
     * at once when the holder was on this node (the hub evicts it), or when no node listens on the
     * holder's channel any more (it died: nothing of it will remove the new session's rooms).
     * After {@code evictionTimeout} without an answer it completes anyway, so a resume never hangs.
     */
    private CompletableFuture<Void> evictElsewhere(String holderNode, String holderSession) {
        if (holderNode.equals(nodeId)) {
            // Replaced in Redis already: forget it here too, or a restore round would find it
            // gone and evict it as lost; the hub ends the session itself.
            forget(holderSession);
            return DONE;
        }
        evictionsAsked.increment();
        long id = evictionIds.incrementAndGet();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        evictions.put(id, answered);
        redis.publish(PresenceKeys.nodeChannel(holderNode), "evict " + id + ' ' + nodeId + ' ' + holderSession)
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
                        LOG.warn("node {} did not confirm evicting session {} within {} ms; going on", holderNode,
                                holderSession, settings.evictionTimeout().toMillis());
                    }
                    return null;
                });
    }

    /**
     * {@code evict <id> <reply node> <session>} from a claimant, or {@code evicted <id>} from an
     * evicting node. The evicted session's claim is forgotten first: it is not this node's to
     * refresh or to report lost any more.
     */
    private void onNodeMessage(String message) {
        String[] parts = message.split(" ");
        if (parts.length == 4 && parts[0].equals("evict")) {
            forget(parts[3]);
            listener.get().evict(parts[3]).whenComplete((done, failure) ->
                    redis.publish(PresenceKeys.nodeChannel(parts[2]), "evicted " + parts[1]));
        } else if (parts.length == 2 && parts[0].equals("evicted") && isNumber(parts[1])) {
            CompletableFuture<Void> answered = evictions.get(Long.parseLong(parts[1]));
            if (answered != null) {
                answered.complete(null);
            }
        } else {
            LOG.warn("ignoring a message on the node channel: {}", message);
        }
    }

    /** Stops holding {@code session}'s claim, if this node holds one: it is no longer this node's to refresh or report lost. */
    private void forget(String session) {
        Claim claim = claims.remove(session);
        if (claim != null) {
            nicks.release(claim.nickKey());
        }
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

}
