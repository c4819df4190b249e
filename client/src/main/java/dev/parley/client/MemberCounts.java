package dev.parley.client;

import dev.parley.protocol.ServerEvent;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many members each joined room has, as far as the server has said: set by {@code joined}
 * and {@code occupancy}, moved by one by each {@code presence}.
 *
 * <p>Written on the control thread, read from any thread.
 */
final class MemberCounts {
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    void joined(ServerEvent.Joined joined) {
        counts.put(joined.room(), joined.memberCount());
    }

    void presence(ServerEvent.Presence presence) {
        int change = presence.event() == ServerEvent.PresenceKind.JOIN ? 1 : -1;
        counts.computeIfPresent(presence.room(), (room, count) -> Math.max(0, count + change));
    }

    void occupancy(ServerEvent.Occupancy occupancy) {
        counts.computeIfPresent(occupancy.room(), (room, count) -> occupancy.members());
    }

    void left(String room) {
        counts.remove(room);
    }

    OptionalInt of(String room) {
        Integer count = counts.get(room);
        return count == null ? OptionalInt.empty() : OptionalInt.of(count);
    }
}
