package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

/**
 * The live part of the durable broker ({@link PostgresBroker}): {@link LiveEvents}, and the messages
 * it stored, to carry to members. {@link MemoryBroker} serves a node alone; {@link RoomChannels} a
 * cluster.
 */
interface LivePart extends LiveEvents {

    /**
     * A room event of the room's history {@code epoch} that was just committed. Called on the
     * writer's thread, in each room's offset order, before its publish completes; must not block.
     */
    void committed(String epoch, ServerEvent.RoomEvent event);
}
