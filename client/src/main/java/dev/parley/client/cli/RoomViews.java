package dev.parley.client.cli;

import dev.parley.client.MessageState;
import dev.parley.client.RoomMessages;
import dev.parley.protocol.ServerEvent;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The messages the shell keeps of each room it is in, as they stand: seeded by {@code join},
 * filled back by {@code /history}, kept current by the room events. The commands look up what
 * {@code /reply} quotes here; lines about an edit, a delete or a reaction show the message after it.
 * Any thread.
 */
final class RoomViews {
    /** The latest messages kept per room: what edits and reactions can be shown against. */
    static final int KEPT_PER_ROOM = 1000;

    private final ConcurrentMap<String, RoomMessages> rooms = new ConcurrentHashMap<>();

    /** {@code room} joined: keeps its messages as the reply has them, and returns them to show. */
    List<MessageState> joined(ServerEvent.Joined joined) {
        RoomMessages kept = RoomMessages.of(joined, KEPT_PER_ROOM);
        rooms.put(joined.room(), kept);
        return kept.messages();
    }

    /** Messages of a {@code history} answer, with their state, for the rooms the shell is in. */
    void history(String room, List<ServerEvent.Message> messages) {
        rooms.computeIfPresent(room, (name, kept) -> kept.withHistory(messages));
    }

    /** Applies a live room event; returns the message it is about as it stands now, if kept. */
    Optional<MessageState> apply(ServerEvent.RoomEvent event) {
        RoomMessages after = rooms.computeIfPresent(event.room(), (name, kept) -> kept.apply(event));
        return after == null ? Optional.empty() : after.about(event);
    }

    /** The message at {@code offset} of {@code room}, if kept. */
    Optional<MessageState> get(String room, Long offset) {
        RoomMessages kept = rooms.get(room);
        return kept == null || offset == null ? Optional.empty() : kept.get(offset);
    }

    void left(String room) {
        rooms.remove(room);
    }
}
