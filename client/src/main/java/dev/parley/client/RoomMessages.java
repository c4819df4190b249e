package dev.parley.client;

import dev.parley.protocol.ServerEvent;

import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The latest messages of one room as they stand now (version 1.2): seeded from a {@code joined}
 * reply or a {@code history} answer (whose messages carry their state), then kept current by the
 * room events the listener receives. Immutable: {@link #apply} gives a new value, so one may be
 * handed between threads freely.
 *
 * <p>It remembers the offset of the latest room event it took in and ignores events at or below
 * it, so that an event already reflected in a {@code joined} reply's state is not counted twice.
 * It keeps at most {@code capacity} messages, dropping the oldest. An edit, delete or reaction of a
 * message it does not hold (older than what it keeps) changes nothing but its offset.
 */
public final class RoomMessages {
    private final String room;
    private final int capacity;
    private final long offset;
    private final NavigableMap<Long, MessageState> messages;

    private RoomMessages(String room, int capacity, long offset, NavigableMap<Long, MessageState> messages) {
        this.room = room;
        this.capacity = capacity;
        this.offset = offset;
        this.messages = messages;
    }

    /** No messages of {@code room} yet, keeping at most {@code capacity} once they come. */
    public static RoomMessages empty(String room, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        return new RoomMessages(room, capacity, 0, Collections.emptyNavigableMap());
    }

    /**
     * The messages of a {@code joined} reply, as of its {@code offset}: the latest messages with their
     * state, or (a recovery) the room events to apply in order.
     */
    public static RoomMessages of(ServerEvent.Joined joined, int capacity) {
        RoomMessages seeded = empty(joined.room(), capacity);
        for (ServerEvent.RoomEvent event : joined.messages()) {
            seeded = seeded.apply(event);
        }
        return seeded.at(Math.max(seeded.offset, joined.offset()));
    }

    /** The room. */
    public String room() {
        return room;
    }

    /** The offset of the latest room event taken in; 0 before any. */
    public long offset() {
        return offset;
    }

    /** The message at {@code offset}, if held. */
    public Optional<MessageState> get(long offset) {
        return Optional.ofNullable(messages.get(offset));
    }

    /** The messages held, oldest first. */
    public List<MessageState> messages() {
        return List.copyOf(messages.values());
    }

    /**
     * These messages after {@code event}: a message is added, an edit, delete or reaction changes its
     * target. An event at or below {@link #offset()}, or of another room, changes nothing.
     */
    public RoomMessages apply(ServerEvent.RoomEvent event) {
        if (!event.room().equals(room) || event.offset() <= offset) {
            return this;
        }
        if (event instanceof ServerEvent.Message message) {
            return with(MessageState.of(message)).at(event.offset());
        }
        MessageState subject = messages.get(MessageState.subject(event));
        return (subject == null ? this : with(subject.apply(event))).at(event.offset());
    }

    /** The message {@code event} is about ({@link MessageState#subject}) as it stands here, if held. */
    public Optional<MessageState> about(ServerEvent.RoomEvent event) {
        return get(MessageState.subject(event));
    }

    /**
     * These messages and those of a {@code history} answer (with their state) that are not held yet,
     * such as older ones paged back; the messages held already are kept current by the room events.
     */
    public RoomMessages withHistory(List<ServerEvent.Message> history) {
        TreeMap<Long, MessageState> merged = new TreeMap<>(messages);
        for (ServerEvent.Message message : history) {
            if (message.room().equals(room)) {
                merged.putIfAbsent(message.offset(), MessageState.of(message));
            }
        }
        return new RoomMessages(room, capacity, Math.max(offset, merged.isEmpty() ? 0 : merged.lastKey()), trimmed(merged));
    }

    private RoomMessages with(MessageState state) {
        TreeMap<Long, MessageState> changed = new TreeMap<>(messages);
        changed.put(state.offset(), state);
        return new RoomMessages(room, capacity, offset, trimmed(changed));
    }

    private RoomMessages at(long latest) {
        return new RoomMessages(room, capacity, latest, messages);
    }

    private NavigableMap<Long, MessageState> trimmed(TreeMap<Long, MessageState> all) {
        while (all.size() > capacity) {
            all.pollFirstEntry();
        }
        return Collections.unmodifiableNavigableMap(all);
    }
}
