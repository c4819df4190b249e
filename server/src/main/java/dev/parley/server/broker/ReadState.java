package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Users' read markers and the unread counts behind them (version 1.2, {@value #FEATURE}). A user is
 * a nick key ({@link dev.parley.protocol.Names#nickKey}). A marker only moves forward. A room's
 * unread count is of its {@code message} events after the marker that others sent and that are not
 * deleted; its mentions count those of them whose current text mentions the user. Counting never
 * scans a room's history: it reads an index of what is unread, or counts kept incrementally. A
 * broker whose history is bounded counts what it still keeps.
 *
 * <p>Methods never block; results complete on any thread.
 */
public interface ReadState {
    /** The part of {@code welcome.features} a broker offers when it keeps read state. */
    String FEATURE = "read";

    /**
     * Moves {@code user}'s marker in {@code room} forward to {@code offset}, clamped to the room's
     * latest offset. Completes with the marker when it moved or was set for the first time, empty
     * when it stayed where it was.
     */
    CompletableFuture<OptionalLong> markRead(String user, String room, long offset);

    /** {@code user}'s read state in every room where it has a marker, in the rooms' name order. */
    CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String user);

    /** Removes {@code user}'s marker of {@code room} (a {@code leave} with {@code forget}). */
    CompletableFuture<Void> forget(String user, String room);
}
