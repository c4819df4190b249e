package dev.parley.server.session;

import dev.parley.server.codec.EncodedEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * A room a session is in, and the last offset it was sent there. While a reply about the room is
 * on its way ({@code joined}, {@code ack}), the room's deliveries are held back, so that they
 * follow the reply they come after; then those the reply already covered are dropped.
 * Event loop only.
 */
final class Membership {
    /** The hub's copy of the room's name, so that deliveries find it by identity. */
    final String room;
    long lastOffset;
    int pendingReplies;
    /** The room went on past what can be delivered; the session closes once its replies are out. */
    boolean lost;
    /** Deliveries held back, each retained until it is written or dropped; null when none. */
    List<Held> held;

    Membership(String room) {
        this.room = room;
    }

    void hold(long offset, EncodedEvent event) {
        if (held == null) {
            held = new ArrayList<>();
        }
        held.add(new Held(offset, event.retainedDuplicate()));
    }

    /** Releases what is held without writing it. */
    void drop() {
        if (held != null) {
            held.forEach(h -> h.event().release());
            held = null;
        }
    }

    record Held(long offset, EncodedEvent event) {
    }
}
