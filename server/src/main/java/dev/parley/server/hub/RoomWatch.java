package dev.parley.server.hub;

import java.util.concurrent.CompletableFuture;

/**
 * Where the {@link Hub} asks for a room's events while the room has local members: the node's
 * broker. Both are called inside the hub's update of the room, so that for one room they come in
 * the order of its joins and leaves.
 */
public interface RoomWatch {

    /** A member joined {@code room} here; completes once the room's later events reach this node. */
    CompletableFuture<Void> watch(String room);

    /** The last local member left {@code room}. */
    void unwatch(String room);
}
