package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The latest events of one watched room as this node has seen them, for answering reads while the
 * durable store cannot: at most {@code capacity} consecutive messages, the room's epoch once a
 * durable read told it, and the stretch of offsets it holds in full. It only answers what that
 * stretch proves (see {@link #history} and {@link #recover}), and messages with their state only
 * where no edit, delete or reaction is held among them; otherwise null. Thread-safe: every
 * call holds the object's monitor.
 *
 * <p>Invariant while {@link #known}: {@code events} are exactly the room's messages with offsets
 * {@code floor + 1 … top}; {@code floor == 0} means they go back to the room's first event.
 */
final class RecentEvents {
    private final int capacity;
    private final ArrayDeque<ServerEvent.RoomEvent> events = new ArrayDeque<>();
    private String epoch;
    private boolean known;
    private long floor;
    private long top;

    RecentEvents(int capacity) {
        this.capacity = capacity;
    }

    /** A message delivered to this node; one that does not follow the latest held starts the window over at it. */
    synchronized void delivered(ServerEvent.RoomEvent message) {
        long offset = message.offset();
        if (known && offset <= top) {
            return; // delivered after a read that already brought it
        }
        if (!known || offset != top + 1) {
            events.clear();
            floor = offset - 1;
            known = true;
        }
        events.addLast(message);
        top = offset;
        trim();
        if (message instanceof ServerEvent.Delete delete) {
            eraseText(delete.target());
        }
    }

    /** The log keeps no text of a deleted message, nor of its edits. */
    private void eraseText(long target) {
        List<ServerEvent.RoomEvent> erased = new ArrayList<>(events.size());
        for (ServerEvent.RoomEvent event : events) {
            erased.add(event instanceof ServerEvent.Message m && m.offset() == target ? m.withTextDeleted()
                    : event instanceof ServerEvent.Edit edit && edit.target() == target ? edit.withTextDeleted() : event);
        }
        events.clear();
        events.addAll(erased);
    }

    /**
     * What a durable read said: the room's {@code epoch}, and when {@code latest} is not null, its
     * latest offset with the consecutive messages ending there that the read brought. Another
     * epoch than the one learnt before starts the window over; events delivered before the first
     * read are kept (a durable broker's epoch does not change under them).
     */
    synchronized void read(String epoch, Long latest, List<? extends ServerEvent.RoomEvent> upToLatest) {
        if (this.epoch != null && !this.epoch.equals(epoch)) {
            known = false;
            events.clear();
        }
        this.epoch = epoch;
        if (latest == null) {
            return;
        }
        long readFloor = upToLatest.isEmpty() ? latest : upToLatest.get(0).offset() - 1;
        if (known && (readFloor > top || latest < floor)) {
            if (latest <= top) {
                return; // older than what is held, with a gap between: keep the newer
            }
            known = false;
            events.clear();
        }
        if (!known) {
            known = true;
            floor = readFloor;
            top = latest;
            events.addAll(upToLatest);
            trim();
            return;
        }
        TreeMap<Long, ServerEvent.RoomEvent> union = new TreeMap<>();
        upToLatest.forEach(message -> union.put(message.offset(), message));
        events.forEach(message -> union.put(message.offset(), message));
        events.clear();
        events.addAll(union.values());
        floor = Math.min(floor, readFloor);
        top = Math.max(top, latest);
        trim();
    }

    private void trim() {
        while (events.size() > capacity) {
            events.removeFirst();
            floor++;
        }
    }

    /**
     * The page {@code query} asks for, when the window holds every message the durable store would
     * put in it: {@code before} needs the {@code limit} messages below it (or all of them down to
     * the room's first), {@code after} needs the window to start at or before it. Null otherwise.
     */
    synchronized HistorySlice history(HistoryQuery query) {
        if (epoch == null || !known) {
            return null;
        }
        if (query.after() != null) {
            if (query.after() < floor || !query.allEvents() && !onlyMessagesFrom(query.after() + 1)) {
                return null;
            }
            return new HistorySlice(epoch, between(query.after() + 1, query.after() + 1 + query.limit()));
        }
        long below = query.before() == null ? top + 1 : Math.min(query.before(), top + 1);
        long from = Math.max(1, below - query.limit());
        if (from <= floor || !query.allEvents() && !onlyMessagesFrom(from)) {
            return null;
        }
        return new HistorySlice(epoch, between(from, below));
    }

    /**
     * Whether the held events from offset {@code from} on are all messages: then those messages, as
     * held, are what an answer of messages with their state would list (an edit, delete or reaction
     * comes after its message, so none of them changed one of these).
     */
    private boolean onlyMessagesFrom(long from) {
        return events.stream().noneMatch(event -> event.offset() >= from && !(event instanceof ServerEvent.Message));
    }

    /**
     * What a member joining with {@code since} gets from the window, as the durable store would
     * answer it, the window's latest offset standing for the room's: every message after
     * {@code since} when the window holds them all (and they are at most {@code recoverMax});
     * otherwise the latest {@code latest} it holds, with {@code missed} counted the same way. Null
     * while the window does not know the room's epoch and latest offset.
     */
    synchronized Recovery recover(StreamPosition since, int latest, int recoverMax) {
        if (epoch == null || !known) {
            return null;
        }
        boolean inEpoch = since != null && since.epoch().equals(epoch) && since.offset() <= top;
        boolean tooMany = inEpoch && top - since.offset() > recoverMax;
        if (inEpoch && !tooMany && since.offset() >= floor) {
            return new Recovery(epoch, top, true, between(since.offset() + 1, top + 1), 0);
        }
        long from = Math.max(floor + 1, top + 1 - latest);
        if (!onlyMessagesFrom(from)) {
            return null;
        }
        List<ServerEvent.RoomEvent> messages = between(from, top + 1);
        long missed = tooMany ? (messages.isEmpty() ? top + 1 : messages.get(0).offset()) - since.offset() - 1 : 0;
        return new Recovery(epoch, top, false, messages, missed);
    }

    /** The held messages with {@code from <= offset < to}. */
    private List<ServerEvent.RoomEvent> between(long from, long to) {
        List<ServerEvent.RoomEvent> messages = new ArrayList<>();
        for (ServerEvent.RoomEvent message : events) {
            if (message.offset() >= from && message.offset() < to) {
                messages.add(message);
            }
        }
        return messages;
    }
}
