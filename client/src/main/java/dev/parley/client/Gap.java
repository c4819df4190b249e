package dev.parley.client;

import dev.parley.protocol.StreamPosition;

/**
 * After a reconnect, the server could not recover everything the client missed in a room: the
 * messages after {@code lastSeen} up to the ones delivered next may be lost. This happens when they
 * fell out of the server's retained history, or when the room's history itself was lost (the
 * {@code epoch} changed, for example after a restart of a single node).
 *
 * @param room     the room
 * @param lastSeen the epoch and offset of the last message the listener received in the room
 * @param epoch    the room's history now
 * @param offset   the room's latest offset now
 * @param missed   how many room events the server left out between {@code lastSeen} and the
 *                 messages delivered next because they were more than its {@code recoverMax}
 *                 (version 1.2): {@link ParleyClient#historyAfter} fetches them; null when it did not say
 */
public record Gap(String room, StreamPosition lastSeen, String epoch, long offset, Long missed) {
    /** Whether the room's history was replaced rather than only trimmed. */
    public boolean historyLost() {
        return !lastSeen.epoch().equals(epoch);
    }
}
