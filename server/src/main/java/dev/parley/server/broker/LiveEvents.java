package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.concurrent.CompletableFuture;

/**
 * How room events, presence and typing events and direct messages reach the members of this node:
 * the part of a {@link Broker} that keeps nothing. The durable broker delegates it to a separate
 * {@link LivePart}: the node's {@link MemoryBroker} when it is alone, {@link RoomChannels} (Redis
 * publish/subscribe) in a cluster. Methods never block; results complete on any thread.
 */
public interface LiveEvents extends AutoCloseable {

    /** Sets the one listener of this node. Called once, before any traffic. */
    void listen(BrokerListener listener);

    /**
     * This node has its first member in {@code room}: route the room's events to the listener from
     * now on. Completes once every event of the room published after its completion will reach the
     * listener; until {@link #unwatch}, later calls return that same completion.
     */
    CompletableFuture<Void> watch(String room);

    /** This node has no member left in {@code room}. */
    void unwatch(String room);

    /** {@code nick} is connected to this node: route its direct messages here once the result completes. */
    CompletableFuture<Void> watchUser(String nick);

    /** {@code nick} is no longer connected to this node. */
    void unwatchUser(String nick);

    /**
     * Delivers a {@code presence} or {@code typing} event to the room's members; never kept.
     * Completes once it is sent, and never fails: an event that cannot be sent is dropped.
     */
    CompletableFuture<Void> broadcast(String room, ServerEvent event);

    /**
     * Delivers a direct message; completes with whether a live recipient received it, or, where
     * {@link Broker#directMessages()} stores them, whether it was stored (then delivered live, or on
     * the recipient's next {@code hello}).
     */
    CompletableFuture<Boolean> direct(ServerEvent.Dm dm);

    /**
     * Delivers {@code event} (a {@code read}) to every session of {@code nick} on every node but the
     * session {@code exceptSession}; never kept. Completes once it is sent, and never fails: an event
     * that cannot be sent is dropped.
     */
    CompletableFuture<Void> toUser(String nick, String exceptSession, ServerEvent event);

    /**
     * Closes every session of {@code nick} on every node with 1008 (the server API's
     * {@code disconnect}). Completes with whether a node had a session of the user: with
     * {@link RoomChannels}, whether a node listened on the user's channel.
     */
    CompletableFuture<Boolean> disconnect(String nick);

    /** Releases what it holds; it serves nothing afterwards. */
    @Override
    void close();
}
