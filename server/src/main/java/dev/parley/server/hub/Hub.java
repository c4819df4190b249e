package dev.parley.server.hub;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.codec.EncodedEvent;
import dev.parley.server.metrics.ServerMetrics;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * This node's registry of members (by session id and by nick) and of the rooms they are in, and
 * the fan-out of events to them: an event is encoded once and queued for each local member of its
 * room, loop by loop ({@link Subscribers}). The hub knows nothing of brokers, presence or
 * announcements; the node above it does, and tells it what to deliver.
 *
 * <p>Thread-safe: called from every event loop at once.
 */
public final class Hub {
    private final ServerMetrics metrics;
    private final ByteBufAllocator alloc;
    private final RoomWatch roomWatch;
    private final Map<String, Member> membersById = new ConcurrentHashMap<>();
    private final Map<String, Member> membersByNick = new ConcurrentHashMap<>();
    private final Map<String, Subscribers> rooms = new ConcurrentHashMap<>();

    public Hub(ServerMetrics metrics, ByteBufAllocator alloc, RoomWatch roomWatch) {
        this.metrics = metrics;
        this.alloc = alloc;
        this.roomWatch = roomWatch;
    }

    /** Registers {@code member} under its id and {@code nick}, which it has claimed. */
    public void register(Member member, String nick) {
        membersById.put(member.id(), member);
        membersByNick.put(Names.nickKey(nick), member);
    }

    /** Forgets {@code member}; returns whether its nick was still registered to it. */
    public boolean unregister(Member member) {
        membersById.remove(member.id(), member);
        String nick = member.nick();
        return nick != null && membersByNick.remove(Names.nickKey(nick), member);
    }

    /** The member of session {@code id} on this node, or null. */
    public Member byId(String id) {
        return membersById.get(id);
    }

    /** The member holding {@code nick} on this node, or null. */
    public Member byNick(String nick) {
        return membersByNick.get(Names.nickKey(nick));
    }

    /**
     * Adds {@code member} to the room's local members: from now on it receives the room's events.
     * Completes once the room's events reach this node.
     */
    public CompletableFuture<Void> subscribe(Member member, String room) {
        List<CompletableFuture<Void>> watched = new ArrayList<>(1);
        rooms.compute(room, (name, subscribers) -> {
            Subscribers updated = subscribers == null ? new Subscribers(name) : subscribers;
            updated.add(member);
            watched.add(roomWatch.watch(room));
            return updated;
        });
        return watched.get(0);
    }

    /** Removes {@code member} from the room's local members. */
    public void unsubscribe(Member member, String room) {
        rooms.computeIfPresent(room, (name, subscribers) -> {
            if (!subscribers.remove(member)) {
                return subscribers;
            }
            roomWatch.unwatch(room);
            return null;
        });
    }

    /**
     * {@code room} as the hub keeps it while it has local members: sessions keep this one string
     * rather than each its own copy.
     */
    public String roomName(String room) {
        Subscribers subscribers = rooms.get(room);
        return subscribers == null ? room : subscribers.room;
    }

    /** Whether {@code room} has members on this node. */
    public boolean hasRoom(String room) {
        return rooms.containsKey(room);
    }

    /** Rooms with members on this node. */
    public int activeRooms() {
        return rooms.size();
    }

    /** Members registered on this node. */
    public int memberCount() {
        return membersById.size();
    }

    /**
     * Encodes {@code event} once and queues it for the room's local members but those whose nick
     * is {@code skipNick} ({@code offset} 0 for events outside the room's history).
     */
    public void fanOut(String room, long offset, String skipNick, ServerEvent event) {
        Subscribers subscribers = rooms.get(room);
        if (subscribers == null) {
            return;
        }
        EncodedEvent encoded = EncodedEvent.encode(alloc, event);
        try {
            metrics.delivered(subscribers.fanOut(room, offset, skipNick, encoded));
        } finally {
            encoded.release();
        }
    }

    /** Tells every local member of {@code room} that it lost track of the room's messages. */
    public void lostTrack(String room) {
        Subscribers subscribers = rooms.get(room);
        if (subscribers != null) {
            subscribers.forEachMember(member -> member.lostTrack(room));
        }
    }

    /** Delivers a direct message to its recipient on this node; returns whether it is here. */
    public boolean deliverDirect(ServerEvent.Dm dm) {
        Member recipient = byNick(dm.to());
        if (recipient == null) {
            return false;
        }
        EncodedEvent encoded = EncodedEvent.encode(alloc, dm.addressedTo(recipient.nick()));
        try {
            recipient.executor().execute(() -> {
                try {
                    Subscribers.deliver(recipient, null, 0, encoded);
                } finally {
                    encoded.release();
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            encoded.release();
            return false;
        }
        metrics.delivered(1);
        return true;
    }
}
