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
import java.util.function.Predicate;

/**
 * This node's registry of members (by session id, and by nick: a user may have several sessions)
 * and of the rooms they are in, and the fan-out of events to them: an event is encoded once and
 * queued for each local member of its room, loop by loop ({@link Subscribers}). The hub knows
 * nothing of brokers, presence or announcements; the node above it does, and tells it what to
 * deliver.
 *
 * <p>Thread-safe: called from every event loop at once.
 */
public final class Hub {
    private final ServerMetrics metrics;
    private final ByteBufAllocator alloc;
    private final RoomWatch roomWatch;
    private final UserWatch userWatch;
    private final Map<String, Member> membersById = new ConcurrentHashMap<>();
    /** Each user's sessions here by nick key; a list is replaced, never changed, inside its map entry's compute. */
    private final Map<String, List<Member>> membersByNick = new ConcurrentHashMap<>();
    private final Map<String, Subscribers> rooms = new ConcurrentHashMap<>();

    public Hub(ServerMetrics metrics, ByteBufAllocator alloc, RoomWatch roomWatch, UserWatch userWatch) {
        this.metrics = metrics;
        this.alloc = alloc;
        this.roomWatch = roomWatch;
        this.userWatch = userWatch;
    }

    /**
     * Registers {@code member} under its id and {@code nick}, which it has claimed. Completes once
     * the user's direct messages reach this node.
     */
    public CompletableFuture<Void> register(Member member, String nick) {
        membersById.put(member.id(), member);
        List<CompletableFuture<Void>> watched = new ArrayList<>(1);
        membersByNick.compute(Names.nickKey(nick), (key, sessions) -> {
            List<Member> updated = new ArrayList<>(sessions == null ? List.of() : sessions);
            updated.add(member);
            watched.add(userWatch.watchUser(nick));
            return List.copyOf(updated);
        });
        return watched.get(0);
    }

    /**
     * Forgets {@code member}, and stops watching its user's direct messages when it was the user's
     * last session here.
     */
    public void unregister(Member member) {
        membersById.remove(member.id(), member);
        String nick = member.nick();
        if (nick != null) {
            membersByNick.computeIfPresent(Names.nickKey(nick), (key, sessions) -> {
                if (!sessions.contains(member)) {
                    return sessions;
                }
                List<Member> updated = new ArrayList<>(sessions);
                updated.remove(member);
                if (updated.isEmpty()) {
                    userWatch.unwatchUser(nick);
                    return null;
                }
                return List.copyOf(updated);
            });
        }
    }

    /** The member of session {@code id} on this node, or null. */
    public Member byId(String id) {
        return membersById.get(id);
    }

    /** The sessions of {@code nick} on this node, none when it has none here. */
    public List<Member> byNick(String nick) {
        return membersByNick.getOrDefault(Names.nickKey(nick), List.of());
    }

    /** Closes the sessions of {@code nick} on this node with 1008, each on its loop; false when it has none here. */
    public boolean disconnect(String nick) {
        boolean closing = false;
        for (Member member : byNick(nick)) {
            try {
                member.executor().execute(member::disconnect);
                closing = true;
            } catch (RejectedExecutionException shuttingDown) {
                // the loop is stopping: its sessions close with it
            }
        }
        return closing;
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

    /**
     * Delivers a direct message to each session of its recipient on this node that {@code toSessions}
     * accepts (by session id); returns whether any got it.
     */
    public boolean deliverDirect(ServerEvent.Dm dm, Predicate<String> toSessions) {
        List<Member> recipients = byNick(dm.to()).stream().filter(member -> toSessions.test(member.id())).toList();
        return !recipients.isEmpty() && deliverTo(recipients, null, dm.addressedTo(recipients.get(0).nick())) > 0;
    }

    /** Delivers {@code event} to each session of {@code nick} on this node but {@code exceptSession}. */
    public void deliverToUser(String nick, String exceptSession, ServerEvent event) {
        List<Member> recipients = byNick(nick);
        if (!recipients.isEmpty()) {
            deliverTo(recipients, exceptSession, event);
        }
    }

    /** Queues {@code event} for each of {@code recipients} but the one with id {@code except}; how many it reached. */
    private int deliverTo(List<Member> recipients, String except, ServerEvent event) {
        EncodedEvent encoded = EncodedEvent.encode(alloc, event);
        int delivered = 0;
        try {
            for (Member recipient : recipients) {
                if (recipient.id().equals(except)) {
                    continue;
                }
                EncodedEvent shared = encoded.retainedDuplicate();
                try {
                    recipient.executor().execute(() -> {
                        try {
                            Subscribers.deliver(recipient, null, 0, shared);
                        } finally {
                            shared.release();
                        }
                    });
                    delivered++;
                } catch (RejectedExecutionException shuttingDown) {
                    shared.release();
                }
            }
        } finally {
            encoded.release();
        }
        metrics.delivered(delivered);
        return delivered;
    }
}
