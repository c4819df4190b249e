package dev.parley.server.presence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Who is online and who is in which room, across every node: nick ownership (unique,
 * case-insensitive) and room member lists. {@link MemoryPresence} serves a single node,
 * {@link RedisPresence} the nodes of a cluster. Methods never block; results complete on any thread,
 * and fail when the shared store cannot be reached.
 */
public interface Presence extends AutoCloseable {

    /**
     * Claims {@code nick} for {@code claimant}. A nick held by another session is taken over only
     * when {@code presentedResume} is that session's resume secret.
     */
    CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume);

    /** Releases {@code nick} if {@code sessionId} still holds it. */
    CompletableFuture<Void> release(String nick, String sessionId);

    /** Adds {@code nick} to the room's members. */
    CompletableFuture<RoomChange> join(String room, String nick);

    /** Removes {@code nick} from the room's members. */
    CompletableFuture<RoomChange> leave(String room, String nick);

    /**
     * Stops keeping {@code nick} in the room from this node without removing it: it stays a member
     * until its entry expires, or for good when a session elsewhere joins the room under that nick.
     * What outlives this node is the shared store's, so by default, with nothing shared, it leaves.
     */
    default CompletableFuture<Void> abandon(String room, String nick) {
        return leave(room, nick).thenApply(change -> null);
    }

    /**
     * Up to {@code limit} of the room's members in nick order ({@link String#compareTo}), those
     * after {@code after} only when it is not null, so that large rooms can be read page by page.
     */
    CompletableFuture<List<String>> members(String room, String after, int limit);

    /** How many members the room has. */
    CompletableFuture<Integer> count(String room);

    /** Every room with members, with its member count. */
    CompletableFuture<Map<String, Integer>> rooms();

    /**
     * Where to report members removed because their node died, and sessions to evict because their
     * nick was taken over on another node. A single node has neither, so by default nothing is kept.
     */
    default void listen(PresenceListener listener) {
    }

    @Override
    void close();
}
