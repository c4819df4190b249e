package dev.parley.server.presence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Who is online and who is in which room, across every node: nick ownership (unique,
 * case-insensitive) and room member lists. {@link MemoryPresence} serves a single node. Methods
 * never block; results complete on any thread.
 */
public interface Presence extends AutoCloseable {

    /**
     * Claims {@code nick} for {@code claimant}. A nick held by another session is taken over only
     * when {@code presentedResume} is that session's resume secret.
     */
    CompletableFuture<NickClaim> claim(String nick, NickOwner claimant, String presentedResume);

    /** Releases {@code nick} if {@code sessionId} still holds it. */
    CompletableFuture<Void> release(String nick, String sessionId);

    /** Adds {@code nick} to the room's members; completes with the members, {@code nick} included. */
    CompletableFuture<List<String>> join(String room, String nick);

    CompletableFuture<Void> leave(String room, String nick);

    /** The room's members, sorted. */
    CompletableFuture<List<String>> members(String room);

    /** Every room with members, with its member count. */
    CompletableFuture<Map<String, Integer>> rooms();

    @Override
    void close();
}
