package dev.parley.server.hub;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.CompletableFuture;

/**
 * What the {@link Hub} needs of a connected session. The hub calls {@link #deliver} and
 * {@link #evict} only on the member's {@link #executor()}, the one thread that owns its state.
 */
public interface Member {

    String id();

    /** The nick, once the member has said hello. */
    String nick();

    /** The event loop that owns this member. */
    EventExecutor executor();

    /**
     * Sends one encoded event of {@code room} ({@code offset} 0 for events outside the room's
     * history). {@code payload} is only borrowed: retain what is kept.
     */
    void deliver(String room, long offset, ByteBuf payload);

    /**
     * Another connection has taken over this member's nick with its resume secret: leave every
     * room and close. Completes once the rooms are left.
     */
    CompletableFuture<Void> evict();
}
