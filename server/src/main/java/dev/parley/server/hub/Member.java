package dev.parley.server.hub;

import dev.parley.server.codec.EncodedEvent;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.CompletableFuture;

/**
 * What the {@link Hub} and the node above it need of a connected session. They call
 * {@link #deliver}, {@link #flush}, {@link #lostTrack}, {@link #evict} and {@link #disconnect} only
 * on the member's {@link #executor()}, the one thread that owns its state.
 */
public interface Member {

    String id();

    /** The nick, once the member has said hello. */
    String nick();

    /** The event loop that owns this member. */
    EventExecutor executor();

    /**
     * Queues one encoded event of {@code room} ({@code offset} 0 for events outside the room's
     * history; {@code room} null for a direct message) without flushing it. {@code event} is only
     * borrowed: retain what is kept.
     */
    void deliver(String room, long offset, EncodedEvent event);

    /** Sends what {@link #deliver} queued. */
    void flush();

    /**
     * The room's messages went on past what could be delivered to this member in order (its
     * history was lost, or a gap could not be filled): the member must recover what it missed.
     */
    void lostTrack(String room);

    /**
     * Another connection has taken over this member's nick with its resume secret: leave every
     * room and close. Completes once the rooms are left.
     */
    CompletableFuture<Void> evict();

    /** A backend asked for this member to go: close the connection with 1008. */
    void disconnect();
}
