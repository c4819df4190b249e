package dev.parley.client;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rooms the client is in and, per room, the position (epoch and offset) of the last room event
 * the listener was given: what a reconnect re-joins with {@code since}, and what makes every room
 * event reach the listener once and in order. Every room event counts, whatever its type
 * (message, edit, delete, reaction), since each takes the room's next offset: a position kept by
 * messages alone would re-join from before a later edit and get that edit again.
 *
 * <p>While a join of a room is in flight, that room's live events are held back: the server may
 * send some of them before its {@code joined} reply and then again inside it. The reply settles
 * the position; the held events follow, minus those already seen.
 *
 * <p>Control thread only.
 */
final class RoomTracker {

    /** What a {@code joined} reply means for the listener: a gap to report first (or {@code null}), then room events. */
    record Outcome(Gap gap, List<ServerEvent.RoomEvent> events) {
    }

    private static final class Room {
        /** The last room event delivered; {@code null} until the room's first {@code joined}. */
        StreamPosition position;
        int joinsInFlight;
        final List<ServerEvent.RoomEvent> held = new ArrayList<>();
    }

    private final Map<String, Room> rooms = new LinkedHashMap<>();

    /** The rooms joined, each with the position to re-join it {@code since}. */
    Map<String, StreamPosition> positions() {
        Map<String, StreamPosition> joined = new LinkedHashMap<>();
        rooms.forEach((name, room) -> {
            if (room.position != null) {
                joined.put(name, room.position);
            }
        });
        return joined;
    }

    /** The position to join {@code room} {@code since}, or {@code null} when the client is not in it. */
    StreamPosition since(String room) {
        Room r = rooms.get(room);
        return r == null ? null : r.position;
    }

    /** A join of {@code room} went out: hold its live events until the reply. */
    void joinSent(String room) {
        rooms.computeIfAbsent(room, name -> new Room()).joinsInFlight++;
    }

    /** A join of {@code room} failed; returns the held events that may now be delivered. */
    List<ServerEvent.RoomEvent> joinFailed(String room) {
        Room r = rooms.get(room);
        if (r == null) {
            return List.of();
        }
        r.joinsInFlight = Math.max(0, r.joinsInFlight - 1);
        if (r.joinsInFlight > 0) {
            return List.of();
        }
        if (r.position == null) {
            rooms.remove(room);
            return List.of();
        }
        return releaseHeld(r);
    }

    /**
     * A {@code joined} reply. For a room not joined before, it only sets the position: its messages
     * are history for the caller of {@code join}. For a room already joined (a re-join after a
     * reconnect), the room events after the position are the ones missed; a gap is reported when
     * the server could not recover them all.
     */
    Outcome joined(ServerEvent.Joined joined) {
        Room r = rooms.computeIfAbsent(joined.room(), name -> new Room());
        r.joinsInFlight = Math.max(0, r.joinsInFlight - 1);
        StreamPosition seen = r.position;
        Gap gap = null;
        List<ServerEvent.RoomEvent> deliver = new ArrayList<>();
        if (seen == null) {
            r.position = new StreamPosition(joined.epoch(), joined.offset());
        } else {
            boolean sameHistory = seen.epoch().equals(joined.epoch());
            if (!sameHistory || !joined.recovered()) {
                gap = new Gap(joined.room(), seen, joined.epoch(), joined.offset(), joined.missed());
            }
            long last = sameHistory ? seen.offset() : 0;
            for (ServerEvent.RoomEvent e : joined.messages()) {
                if (e.offset() > last) {
                    deliver.add(e);
                    last = e.offset();
                }
            }
            r.position = new StreamPosition(joined.epoch(), sameHistory ? Math.max(last, joined.offset()) : joined.offset());
        }
        if (r.joinsInFlight == 0) {
            deliver.addAll(releaseHeld(r));
        }
        return new Outcome(gap, deliver);
    }

    /**
     * A {@code joined} without id: the server put the session in a room (the connect hook's
     * {@code join}). Returns whether the room is new to the client. For a room it is in or joining
     * already (the hook joins it again at a reconnect) nothing changes: the client's own re-join
     * {@code since} its position recovers what was missed.
     */
    boolean joinedByServer(ServerEvent.Joined joined) {
        if (rooms.containsKey(joined.room())) {
            return false;
        }
        Room r = new Room();
        r.position = new StreamPosition(joined.epoch(), joined.offset());
        rooms.put(joined.room(), r);
        return true;
    }

    /** A live room event: returns what to deliver now (it, or nothing when held back, a duplicate, or of no room joined). */
    List<ServerEvent.RoomEvent> event(ServerEvent.RoomEvent event) {
        Room r = rooms.get(event.room());
        if (r == null) {
            return List.of();
        }
        if (r.joinsInFlight > 0) {
            r.held.add(event);
            return List.of();
        }
        return advance(r, event) ? List.of(event) : List.of();
    }

    /** The client left {@code room}. */
    void left(String room) {
        rooms.remove(room);
    }

    /** Whether the client is in {@code room}. */
    boolean isJoined(String room) {
        return since(room) != null;
    }

    /**
     * The connection is gone: joins in flight will get no reply, and held events are dropped,
     * since the re-join recovers them from the position.
     */
    void connectionLost() {
        for (Iterator<Room> it = rooms.values().iterator(); it.hasNext(); ) {
            Room room = it.next();
            room.joinsInFlight = 0;
            room.held.clear();
            if (room.position == null) {
                it.remove();
            }
        }
    }

    private List<ServerEvent.RoomEvent> releaseHeld(Room r) {
        List<ServerEvent.RoomEvent> deliver = new ArrayList<>(r.held.size());
        for (ServerEvent.RoomEvent e : r.held) {
            if (advance(r, e)) {
                deliver.add(e);
            }
        }
        r.held.clear();
        return deliver;
    }

    private static boolean advance(Room r, ServerEvent.RoomEvent event) {
        if (event.offset() <= r.position.offset()) {
            return false;
        }
        r.position = new StreamPosition(r.position.epoch(), event.offset());
        return true;
    }
}
