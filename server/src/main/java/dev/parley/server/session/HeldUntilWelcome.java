package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.server.codec.EncodedEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The user's events (a {@code dm}, a {@code read}) that reach a session between its registration
 * in the hub at login and its {@code welcome}, which must be the first thing it sends: held, with a
 * reference of their own, and written right after the welcome. The session makes it on the first
 * such event (most sessions get none). Its bytes count with those {@link RoomOrder} holds: past the
 * limit the session is closed as a slow consumer. Every held event is released exactly once. Event
 * loop only.
 */
final class HeldUntilWelcome {
    private final List<EncodedEvent> events = new ArrayList<>(2);

    /** Holds {@code event} (borrowed), or closes the session when that would hold too much. */
    void hold(Session session, EncodedEvent event) {
        int bytes = event.frame().readableBytes();
        Memberships rooms = session.rooms();
        if ((long) rooms.heldBytes + bytes > session.settings().maxHeldBytes()) {
            Replies.close(session, CloseCode.SLOW_CONSUMER, "too much held back before welcome");
            return;
        }
        events.add(event.retainedDuplicate());
        rooms.heldBytes += bytes;
    }

    /** Writes what is held, in the order it came, and flushes. */
    void writeTo(Session session) {
        List<EncodedEvent> held = take(session);
        try {
            held.forEach(session.transport()::write);
        } finally {
            held.forEach(EncodedEvent::release);
        }
        session.transport().flush();
    }

    /** Releases what is held without writing it: the session ended before its welcome. */
    void release(Session session) {
        take(session).forEach(EncodedEvent::release);
    }

    private List<EncodedEvent> take(Session session) {
        List<EncodedEvent> taken = List.copyOf(events);
        events.clear();
        taken.forEach(event -> session.rooms().heldBytes -= event.frame().readableBytes());
        return taken;
    }
}
