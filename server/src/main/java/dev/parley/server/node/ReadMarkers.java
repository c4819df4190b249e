package dev.parley.server.node;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.Broker;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A user's read markers, as a session sees them: the broker's {@link dev.parley.server.broker.ReadState}
 * keyed by the user's nick key, and the {@code read} that tells the user's other sessions, on every
 * node, that a marker moved. Only for a node whose features have "read". Thread-safe.
 */
public final class ReadMarkers {
    private final Broker broker;

    ReadMarkers(Broker broker) {
        this.broker = broker;
    }

    /**
     * Moves {@code nick}'s marker in {@code room} forward to {@code offset} (clamped to the room's
     * latest) for the session {@code sessionId}; when it moved, the user's other sessions get a
     * {@code read}. Completes with the marker when it moved, empty when it stayed.
     */
    public CompletableFuture<OptionalLong> markRead(String nick, String sessionId, String room, long offset) {
        return broker.markRead(Names.nickKey(nick), room, offset).thenApply(moved -> {
            moved.ifPresent(marker -> broker.toUser(nick, sessionId, new ServerEvent.Read(room, marker)));
            return moved;
        });
    }

    /** {@code nick}'s read state in every room where it has a marker, in the rooms' name order. */
    public CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String nick) {
        return broker.unread(Names.nickKey(nick));
    }

    /** Removes {@code nick}'s marker of {@code room}. */
    public CompletableFuture<Void> forget(String nick, String room) {
        return broker.forget(Names.nickKey(nick), room);
    }
}
