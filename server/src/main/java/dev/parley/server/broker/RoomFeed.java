package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One watched room's live path on this node: it hands the room's events to the listener in the
 * room's order and makes sure no message goes missing between them. Events arrive from the room's
 * channel; a message whose offset jumps past the next expected one means messages were lost on
 * the way (a publish/subscribe connection that dropped for a moment), so the feed stops, reads
 * the missing ones from the room's history and delivers them first. A position read by the
 * periodic check does the same for a lost last message. A new epoch, or missing messages that the
 * history no longer holds, cannot be delivered in order: the listener is told the room is lost.
 * So it is when the history went back under the same epoch (a Redis failover lost acknowledged
 * writes: an event arrives with a delivered offset but is another, or a position read after a
 * delivery is below it); the room is then given a new epoch ({@link Rewinder}), so that no client
 * takes the offsets that now name other events for the ones it has.
 *
 * <p>Thread-safe: events and fetched ranges arrive on Redis (or database) threads; this object's
 * monitor orders them, and it is held while the listener is called, which only queues work.
 */
final class RoomFeed {
    private static final Logger LOG = LoggerFactory.getLogger(RoomFeed.class);
    /** Most messages one fetch asks for: a node far behind catches up in steps, not in one read of all it missed. */
    static final int FETCH_MAX = 1000;
    /** How many delivered events a late copy is compared with, to tell it from another event that took a lost one's offset. */
    private static final int RECENT = 32;

    /** Reads the room's kept messages with offsets {@code from..to}. */
    interface Fetcher {
        CompletableFuture<Fetched> fetch(String room, long from, long to);
    }

    /** Gives a room whose history went back under {@code epoch} a new epoch, unless another node did already. */
    interface Rewinder {
        void rewound(String room, String epoch);
    }

    /** Kept room events of the room's history {@code epoch}, whose latest offset is {@code top}. */
    record Fetched(String epoch, long top, List<? extends ServerEvent.RoomEvent> messages) {
    }

    /** Something that arrived for the room, waiting its turn. */
    private sealed interface Item {
    }

    /** A room event (message, edit, delete, reaction) of {@code epoch}. */
    private record Live(String epoch, ServerEvent.RoomEvent message) implements Item {
    }

    /** The room's position in its history: every message up to {@code top} of {@code epoch} exists. */
    record Position(String epoch, long top) implements Item {
    }

    /** A presence or typing event. */
    private record Broadcast(ServerEvent event) implements Item {
    }

    private final String room;
    private final BrokerListener listener;
    private final Fetcher fetcher;
    private final Rewinder rewinder;
    /** Guarded by this: the latest events delivered, each at its offset modulo their number. */
    private final ServerEvent.RoomEvent[] recent = new ServerEvent.RoomEvent[RECENT];
    /** Guarded by this. */
    private final ArrayDeque<Item> pending = new ArrayDeque<>();
    /** Guarded by this: the epoch and offset delivered last; epoch null until the room has one. */
    private String epoch;
    private long last;
    /** Guarded by this: the epoch that {@code epoch} replaced; what still arrives of it is stale. */
    private String replaced;
    /** Guarded by this: whether the starting position is known, and whether a fetch is under way. */
    private boolean started;
    private boolean fetching;
    /** Guarded by this: the position the previous check read. */
    private Position checked;

    RoomFeed(String room, BrokerListener listener, Fetcher fetcher, Rewinder rewinder) {
        this.room = room;
        this.listener = listener;
        this.fetcher = fetcher;
        this.rewinder = rewinder;
    }

    /** The room's position when this node began to receive its channel; what arrived before waits until now. */
    synchronized void start(String epoch, long top) {
        this.epoch = epoch;
        this.last = top;
        started = true;
        drain();
    }

    synchronized void onMessage(String epoch, ServerEvent.RoomEvent message) {
        pending.add(new Live(epoch, message));
        drain();
    }

    synchronized void onRoomEvent(ServerEvent event) {
        pending.add(new Broadcast(event));
        drain();
    }

    /**
     * The room's position as its history has it now. Messages published up to the previous check's
     * position have had a whole interval to arrive; those that have not are fetched. (The current
     * position would mistake messages still on their way for lost ones.) Also retries a fetch
     * that failed.
     */
    synchronized void check(String epoch, long top) {
        if (checked != null) {
            pending.add(checked);
        }
        checked = new Position(epoch, top);
        drain();
    }

    /** Where this feed stands: the epoch and offset it delivered last. */
    synchronized Position delivered() {
        return new Position(epoch, last);
    }

    /**
     * {@link #check}s the room's position, read after this feed stood at {@code before}: a position
     * of that epoch below it means the history went back.
     */
    synchronized void check(Position before, String epoch, long top) {
        if (epoch.equals(this.epoch) && epoch.equals(before.epoch()) && top < before.top()) {
            wentBack(top + 1);
        } else {
            check(epoch, top);
        }
    }

    /** The history went back to {@code offset}: delivered offsets name other events from there on. */
    private void wentBack(long offset) {
        LOG.warn("room {}: its history {} went back to offset {} below {} (Redis lost acknowledged writes, as in a failover); "
                + "it gets a new epoch and its members must recover", room, epoch, offset, last);
        replaced = epoch;
        rewinder.rewound(room, epoch);
        listener.onRoomLost(room);
    }

    /** Whether {@code message}, at or below the delivered offset, is another event than the one delivered there. */
    private boolean isOther(ServerEvent.RoomEvent message) {
        ServerEvent.RoomEvent seen = recent[(int) (message.offset() % RECENT)];
        return seen != null && seen.offset() == message.offset()
                && (seen.ts() != message.ts() || !Objects.equals(seen.from(), message.from()));
    }

    private void deliver(ServerEvent.RoomEvent message) {
        last = message.offset();
        recent[(int) (last % RECENT)] = message;
        listener.onMessage(message);
    }

    private void drain() {
        while (started && !fetching && !pending.isEmpty()) {
            Item item = pending.peek();
            if (item instanceof Broadcast event) {
                pending.poll();
                listener.onRoomEvent(room, BrokerListener.aboutNick(event.event()), event.event());
                continue;
            }
            String itemEpoch = item instanceof Live live ? live.epoch() : ((Position) item).epoch();
            long target = item instanceof Live live ? live.message().offset() - 1 : ((Position) item).top();
            if (epoch == null) {
                epoch = itemEpoch;
            }
            if (itemEpoch.equals(replaced)) {
                pending.poll();
            } else if (!epoch.equals(itemEpoch)) {
                LOG.warn("room {}: its history {} was replaced by {}; its members must recover", room, epoch, itemEpoch);
                pending.poll();
                replaced = epoch;
                epoch = itemEpoch;
                last = item instanceof Live live ? live.message().offset() : target;
                Arrays.fill(recent, null);
                listener.onRoomLost(room);
            } else if (target > last) {
                fetch(last + 1, target, item instanceof Live);
            } else if (item instanceof Live live && isOther(live.message())) {
                pending.poll();
                wentBack(live.message().offset());
            } else {
                pending.poll();
                if (item instanceof Live live && live.message().offset() == last + 1) {
                    deliver(live.message());
                }
            }
        }
    }

    /**
     * Reads the messages up to {@code to} that have not arrived, at most {@link #FETCH_MAX} at a
     * time (the item that asked stays first, so the next round reads on). {@code seenPast}: a later
     * message has arrived, so these were lost on the way, or (with durable history in a cluster)
     * overtaken by another node's publish, whose late copy is then dropped; otherwise (a check's
     * position) they may still be on their way, and if the history no longer has them either, the
     * live path decides.
     */
    private void fetch(long from, long to, boolean seenPast) {
        if (seenPast) {
            // Debug: with durable history in a cluster, two nodes' publishes overtaking each other is routine.
            LOG.debug("room {}: messages {} to {} were lost or overtaken on the way; reading them from the history",
                    room, from, to);
        }
        fetching = true;
        long until = Math.min(to, from + FETCH_MAX - 1);
        fetcher.fetch(room, from, until).whenComplete((range, failure) -> fetched(until, seenPast, range, failure));
    }

    private synchronized void fetched(long to, boolean seenPast, Fetched range, Throwable failure) {
        fetching = false;
        if (failure != null) {
            return; // the next event or check tries again
        }
        if (!range.epoch().equals(epoch)) {
            pending.addFirst(new Position(range.epoch(), range.top()));
        } else if (!seenPast && (range.messages().isEmpty() || range.messages().get(0).offset() > last + 1)) {
            pending.poll(); // the history moved on while this node lags behind: the live path decides
        } else {
            for (ServerEvent.RoomEvent message : range.messages()) {
                if (message.offset() == last + 1) {
                    deliver(message);
                }
            }
            if (last < to) {
                LOG.warn("room {}: messages {} to {} were lost on the way and are no longer kept; its members must recover",
                        room, last + 1, to);
                last = to;
                listener.onRoomLost(room);
            }
        }
        drain();
    }
}
