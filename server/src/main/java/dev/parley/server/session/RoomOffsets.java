package dev.parley.server.session;

import java.util.Arrays;
import java.util.List;

/**
 * The rooms a session is in, and the offset of the last message it was sent in each. Every idle
 * session holds one and is in a few rooms, so it is two small arrays searched in order rather
 * than a hash map of entries. Not thread-safe: the session's event loop only.
 */
final class RoomOffsets {
    private static final String[] NO_ROOMS = {};
    private static final long[] NO_OFFSETS = {};

    private String[] rooms = NO_ROOMS;
    private long[] offsets = NO_OFFSETS;
    private int size;

    int size() {
        return size;
    }

    boolean contains(String room) {
        return indexOf(room) >= 0;
    }

    /** Adds {@code room} with no message sent yet; nothing when it is there already. */
    void add(String room) {
        if (contains(room)) {
            return;
        }
        if (size == rooms.length) {
            rooms = Arrays.copyOf(rooms, size + 1);
            offsets = Arrays.copyOf(offsets, size + 1);
        }
        rooms[size] = room;
        offsets[size] = 0;
        size++;
    }

    void remove(String room) {
        int i = indexOf(room);
        if (i >= 0) {
            size--;
            rooms[i] = rooms[size];
            offsets[i] = offsets[size];
            rooms[size] = null;
        }
    }

    /** Empties the set; returns the rooms it held. */
    List<String> clear() {
        List<String> held = List.of(Arrays.copyOf(rooms, size));
        rooms = NO_ROOMS;
        offsets = NO_OFFSETS;
        size = 0;
        return held;
    }

    /** Moves {@code room}'s offset up to {@code offset}, when the session is in it. */
    void advanceTo(String room, long offset) {
        int i = indexOf(room);
        if (i >= 0) {
            offsets[i] = Math.max(offsets[i], offset);
        }
    }

    /**
     * Whether an event of {@code room} at {@code offset} (0 for one outside the history) is for
     * the session: it is in the room, and a message is above the last one sent, which it becomes.
     */
    boolean accept(String room, long offset) {
        int i = indexOf(room);
        if (i < 0 || (offset > 0 && offset <= offsets[i])) {
            return false;
        }
        if (offset > 0) {
            offsets[i] = offset;
        }
        return true;
    }

    private int indexOf(String room) {
        for (int i = 0; i < size; i++) {
            if (rooms[i].equals(room)) {
                return i;
            }
        }
        return -1;
    }
}
