package dev.parley.server.node;

import dev.parley.server.broker.Broker;
import dev.parley.server.hub.RoomWatch;
import dev.parley.server.hub.UserWatch;

import java.util.concurrent.CompletableFuture;

/** What the hub watches, rooms and users, asked of the node's broker. */
record BrokerWatch(Broker broker) implements RoomWatch, UserWatch {

    @Override
    public CompletableFuture<Void> watch(String room) {
        return broker.watch(room);
    }

    @Override
    public void unwatch(String room) {
        broker.unwatch(room);
    }

    @Override
    public CompletableFuture<Void> watchUser(String nick) {
        return broker.watchUser(nick);
    }

    @Override
    public void unwatchUser(String nick) {
        broker.unwatchUser(nick);
    }
}
