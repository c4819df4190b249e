package dev.parley.server.node;

import dev.parley.server.hub.Hub;
import dev.parley.server.hub.Member;
import dev.parley.server.presence.NickClaim;
import dev.parley.server.presence.NickOwner;
import dev.parley.server.presence.Presence;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * The logins of this node's sessions: each session's claim of its nick in the presence (exclusive,
 * or shared by up to a user's sessions: {@link UserSessions}), its registration in the hub, which
 * then watches the user's direct messages, the eviction of a session that a resume took over (here,
 * or at another node's request), and the release of the claim when the session ends.
 *
 * <p>Thread-safe: called from every event loop at once.
 */
final class Logins {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Presence presence;
    private final Hub hub;
    private final UserSessions sessions;
    private final Webhooks webhooks;
    /** Evictions under way by session id, so that a second request waits for the same one. */
    private final Map<String, CompletableFuture<Void>> evictions = new ConcurrentHashMap<>();

    Logins(Presence presence, Hub hub, UserSessions sessions, Webhooks webhooks) {
        this.presence = presence;
        this.hub = hub;
        this.sessions = sessions;
        this.webhooks = webhooks;
    }

    /** See {@link Node#login}. */
    CompletableFuture<NickClaim> login(Member member, String nick, String resumeSecret, String presentedResume) {
        NickOwner claimant = new NickOwner(member.id(), resumeSecret);
        return presence.claim(nick, claimant, presentedResume, sessions.max()).thenCompose(claim -> {
            if (!claim.granted()) {
                return CompletableFuture.completedFuture(sessions.shared() ? claim : NickClaim.TAKEN);
            }
            CompletableFuture<Void> watched = hub.register(member, nick);
            CompletableFuture<Void> evicted = claim.replaced() == null ? DONE : evict(claim.replaced());
            return evicted.thenCompose(done -> watched).handle((done, failure) -> {
                if (failure != null) {
                    logout(member);
                    throw failure instanceof CompletionException e ? e : new CompletionException(failure);
                }
                webhooks.sessionOpened(member, nick);
                return claim;
            });
        });
    }

    /** See {@link Node#evict}. */
    CompletableFuture<Void> evict(String sessionId) {
        Member replaced = hub.byId(sessionId);
        if (replaced == null) {
            return DONE;
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> evicted = evictions.putIfAbsent(sessionId, started);
        if (evicted != null) {
            return evicted;
        }
        started.whenComplete((done, failure) -> evictions.remove(sessionId, started));
        try {
            replaced.executor().execute(() -> replaced.evict().whenComplete((done, failure) -> started.complete(null)));
        } catch (RejectedExecutionException shuttingDown) {
            started.complete(null);
        }
        return started;
    }

    /** Forgets a member that has ended; completes when its claim is released. */
    CompletableFuture<Void> logout(Member member) {
        hub.unregister(member);
        webhooks.sessionClosed(member);
        String nick = member.nick();
        return nick == null ? DONE : presence.release(nick, member.id());
    }
}
