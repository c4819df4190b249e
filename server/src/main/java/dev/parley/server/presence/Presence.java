package dev.parley.server.presence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Who is online and who is in which room, across every node: nick ownership (case-insensitive;
 * one user, spelt one way, holds a nick with up to a given number of sessions) and room member
 * lists, which count users: a room holds each session that joined it, and lists its user once,
 * from the first session's join to the last session's leave. {@link MemoryPresence} serves a single
 * node, {@link RedisPresence} the nodes of a cluster. Methods never block; results complete on any
 * thread, and fail when the shared store cannot be reached.
 */
public interface Presence extends AutoCloseable {

    /**
     * Claims {@code nick} for one more session, {@code claimant}. When {@code presentedResume} is
     * the resume secret of a session holding the nick, the claimant takes that session's place.
     * Otherwise the nick is {@link NickClaim#TAKEN} while sessions hold it under another spelling,
     * and {@link NickClaim#FULL} while {@code maxSessions} do (1: nicks are exclusive).
     */
    CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume, int maxSessions);

    /** Releases the session's hold on {@code nick}, if it still has one. */
    CompletableFuture<Void> release(String nick, String sessionId);

    /** Adds the session of {@code nick} to the room; a change when it is the user's first there. */
    CompletableFuture<RoomChange> join(String room, String nick, String sessionId);

    /** Removes the session of {@code nick} from the room; a change when it was the user's last there. */
    CompletableFuture<RoomChange> leave(String room, String nick, String sessionId);

    /**
     * Stops keeping the session in the room from this node without removing it: it stays there
     * until its entry expires, its user listed meanwhile (when another session of the user joins
     * the room, a resume elsewhere, that is no change). What outlives this node is the shared
     * store's, so by default, with nothing shared, it leaves.
     */
    default CompletableFuture<Void> abandon(String room, String nick, String sessionId) {
        return leave(room, nick, sessionId).thenApply(change -> null);
    }

    /**
     * Up to {@code limit} of the room's members (users, each once) in nick order ({@link String#compareTo}), those
     * after {@code after} only when it is not null, so that large rooms can be read page by page.
     */
    CompletableFuture<List<String>> members(String room, String after, int limit);

    /** How many members (users) the room has. */
    CompletableFuture<Integer> count(String room);

    /** Every room with members, with its member count. */
    CompletableFuture<Map<String, Integer>> rooms();

    /**
     * Where to report members removed because their node died (the last of their sessions in a
     * room), and sessions to evict because they were taken over on another node. A single node has
     * neither, so by default nothing is kept.
     */
    default void listen(PresenceListener listener) {
    }

    @Override
    void close();
}
