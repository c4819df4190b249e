package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

/**
 * Receives what the {@link Broker} routes to this node. Calls for one room come one at a time and
 * in the room's order, so an implementation must hand the work off quickly and never block.
 */
public interface BrokerListener {

    void onMessage(ServerEvent.Message message);

    /** A {@code presence} or {@code typing} event of {@code room}. */
    void onRoomEvent(String room, String aboutNick, ServerEvent event);

    /** Delivers a direct message to a local session; returns whether its recipient is here. */
    boolean onDirect(ServerEvent.Dm dm);
}
