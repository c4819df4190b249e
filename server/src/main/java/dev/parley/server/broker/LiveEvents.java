package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.concurrent.CompletableFuture;

/**
 * The live part of the durable broker ({@link PostgresBroker}): how its committed messages, the
 * presence and typing events and the direct messages reach members. The methods it shares with
 * {@link Broker} mean what they mean there. {@link MemoryBroker} serves a node alone;
 * {@link RoomChannels} a cluster, over Redis publish/subscribe.
 */
interface LiveEvents {

    void listen(BrokerListener listener);

    CompletableFuture<Void> watch(String room);

    void unwatch(String room);

    CompletableFuture<Void> watchUser(String nick);

    void unwatchUser(String nick);

    CompletableFuture<Void> broadcast(String room, ServerEvent event);

    CompletableFuture<Boolean> direct(ServerEvent.Dm dm);

    /**
     * A message of the room's history {@code epoch} that was just committed. Called on the
     * writer's thread, in each room's offset order, before its publish completes; must not block.
     */
    void committed(String epoch, ServerEvent.Message message);

    void close();
}
