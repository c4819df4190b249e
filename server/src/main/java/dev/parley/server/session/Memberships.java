package dev.parley.server.session;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A session's rooms by name. Most sessions are in one room or a few, and every delivery looks its
 * room up: up to {@link #ARRAY_LIMIT} rooms are a small array searched by identity first (the hub
 * hands out one copy of each name), costing a few dozen bytes a session where a hash map costs
 * over a hundred; past it, a hash map. Also the bytes {@link RoomOrder} holds back in all of them.
 * Event loop only.
 */
final class Memberships {
    static final int ARRAY_LIMIT = 8;
    private static final Membership[] NONE = new Membership[0];

    private Membership[] small = NONE;
    /** Non-null once the session is in more rooms than {@link #ARRAY_LIMIT}; then {@link #small} is unused. */
    private Map<String, Membership> large;
    /** The frame bytes {@link RoomOrder} holds back in all the rooms: at most the outbound limit, an int. */
    int heldBytes;

    Membership get(String room) {
        if (large != null) {
            return large.get(room);
        }
        for (Membership m : small) {
            if (m.room == room) {
                return m;
            }
        }
        for (Membership m : small) {
            if (m.room.equals(room)) {
                return m;
            }
        }
        return null;
    }

    int size() {
        return large != null ? large.size() : small.length;
    }

    /** Adds a membership of a room the session is not in. */
    void add(Membership membership) {
        if (large != null) {
            large.put(membership.room, membership);
        } else if (small.length < ARRAY_LIMIT) {
            small = Arrays.copyOf(small, small.length + 1);
            small[small.length - 1] = membership;
        } else {
            large = new HashMap<>();
            for (Membership m : small) {
                large.put(m.room, m);
            }
            large.put(membership.room, membership);
            small = NONE;
        }
    }

    /** Removes {@code membership} if it is still the one of its room; true when it was. */
    boolean remove(Membership membership) {
        if (large != null) {
            return large.remove(membership.room, membership);
        }
        for (int i = 0; i < small.length; i++) {
            if (small[i] == membership) {
                Membership[] fewer = Arrays.copyOf(small, small.length - 1);
                System.arraycopy(small, i + 1, fewer, i, small.length - i - 1);
                small = fewer.length == 0 ? NONE : fewer;
                return true;
            }
        }
        return false;
    }

    void forEach(Consumer<Membership> action) {
        if (large != null) {
            large.values().forEach(action);
        } else {
            for (Membership m : small) {
                action.accept(m);
            }
        }
    }

    void clear() {
        small = NONE;
        large = null;
    }
}
