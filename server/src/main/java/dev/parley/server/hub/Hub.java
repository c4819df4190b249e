package dev.parley.server.hub;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import dev.parley.server.broker.Broker;
import dev.parley.server.broker.BrokerListener;
import dev.parley.server.broker.HistorySlice;
import dev.parley.server.broker.Recovery;
import dev.parley.server.codec.EncodedEvent;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.presence.NickClaim;
import dev.parley.server.presence.NickOwner;
import dev.parley.server.presence.Presence;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * This node's registry of members and rooms, and the one place that routes between them. Sessions
 * ask the hub to join, leave, publish and query; the hub goes through the {@link Broker} and
 * {@link Presence} so that other nodes see the same, and fans what the broker delivers out to the
 * local members of each room. Handlers never reach other connections except through here.
 *
 * <p>Thread-safe: called from every event loop at once.
 */
public final class Hub implements BrokerListener {
    /** A member-list limit that lists a whole room. */
    private static final int EVERYONE = Integer.MAX_VALUE;

    private final Broker broker;
    private final Presence presence;
    private final ServerMetrics metrics;
    private final ByteBufAllocator alloc;
    private final LongSupplier clock;
    private final Map<String, Member> membersById = new ConcurrentHashMap<>();
    private final Map<String, Member> membersByNick = new ConcurrentHashMap<>();
    private final Map<String, Subscribers> rooms = new ConcurrentHashMap<>();

    public Hub(Broker broker, Presence presence, ServerMetrics metrics, ByteBufAllocator alloc, LongSupplier clock) {
        this.broker = broker;
        this.presence = presence;
        this.metrics = metrics;
        this.alloc = alloc;
        this.clock = clock;
        broker.listen(this);
    }

    /** A joined room as its new member sees it. */
    public record Joined(List<String> members, Recovery recovery) {
    }

    /**
     * Gives {@code nick} to {@code member}. When a live session held it and {@code presentedResume}
     * is its secret, that session is evicted first and the claim completes once it has left its
     * rooms.
     */
    public CompletableFuture<NickClaim> login(Member member, String nick, String resumeSecret, String presentedResume) {
        return presence.claim(nick, new NickOwner(member.id(), resumeSecret), presentedResume).thenCompose(claim -> {
            if (!claim.granted()) {
                return CompletableFuture.completedFuture(claim);
            }
            membersById.put(member.id(), member);
            membersByNick.put(Names.nickKey(nick), member);
            Member replaced = claim.replaced() == null ? null : membersById.get(claim.replaced());
            if (replaced == null) {
                return CompletableFuture.completedFuture(claim);
            }
            CompletableFuture<Void> evicted = new CompletableFuture<>();
            replaced.executor().execute(() -> replaced.evict().whenComplete((done, failure) -> evicted.complete(null)));
            return evicted.thenApply(done -> claim);
        });
    }

    /** Forgets a member that has ended; it must have left its rooms. */
    public void logout(Member member) {
        membersById.remove(member.id(), member);
        String nick = member.nick();
        if (nick != null) {
            membersByNick.remove(Names.nickKey(nick), member);
            presence.release(nick, member.id());
        }
    }

    /**
     * Adds {@code member} to {@code room}: from now on it receives the room's events. Completes
     * with the member list and what the member missed since {@code since}, or the latest messages.
     */
    public CompletableFuture<Joined> join(Member member, String room, StreamPosition since, int latest) {
        rooms.compute(room, (name, subscribers) -> {
            Subscribers updated = subscribers == null ? new Subscribers() : subscribers;
            updated.add(member);
            return updated;
        });
        CompletableFuture<List<String>> members = presence.join(room, member.nick())
                .thenCompose(change -> presence.members(room, null, EVERYONE));
        return members.thenCombine(broker.recover(room, since, latest), Joined::new).thenApply(joined -> {
            broker.broadcast(room, new ServerEvent.Presence(room, ServerEvent.PresenceKind.JOIN, member.nick(),
                    clock.getAsLong()));
            return joined;
        });
    }

    /** The member list and recovery for a member who joins a room it is already in. */
    public CompletableFuture<Joined> rejoin(String room, StreamPosition since, int latest) {
        return presence.members(room, null, EVERYONE).thenCombine(broker.recover(room, since, latest), Joined::new);
    }

    /** Removes {@code member} from {@code room} and tells the other members. */
    public CompletableFuture<Void> leave(Member member, String room) {
        rooms.computeIfPresent(room, (name, subscribers) -> subscribers.remove(member) ? null : subscribers);
        return presence.leave(room, member.nick()).thenAccept(change -> {
            if (change.changed()) {
                broker.broadcast(room, new ServerEvent.Presence(room, ServerEvent.PresenceKind.LEAVE, member.nick(),
                        clock.getAsLong()));
            }
        });
    }

    public CompletableFuture<ServerEvent.Message> publish(Member member, String room, String text) {
        return broker.publish(room, member.nick(), text);
    }

    public void typing(Member member, String room) {
        broker.broadcast(room, new ServerEvent.Typing(room, member.nick()));
    }

    /** Sends a direct message; completes with its timestamp, or {@code null} when {@code to} is not online. */
    public CompletableFuture<Long> direct(Member member, String to, String text) {
        long ts = clock.getAsLong();
        return broker.direct(new ServerEvent.Dm(member.nick(), to, text, ts))
                .thenApply(delivered -> delivered ? ts : null);
    }

    public CompletableFuture<List<String>> members(String room) {
        return presence.members(room, null, EVERYONE);
    }

    /** Every room that has members or history, by name. */
    public CompletableFuture<List<ServerEvent.RoomInfo>> rooms() {
        return presence.rooms().thenCombine(broker.roomsWithHistory(), (withMembers, withHistory) -> {
            Map<String, Integer> all = new TreeMap<>(withMembers);
            withHistory.keySet().forEach(room -> all.putIfAbsent(room, 0));
            List<ServerEvent.RoomInfo> list = new ArrayList<>(all.size());
            all.forEach((room, count) -> list.add(new ServerEvent.RoomInfo(room, count)));
            return list;
        });
    }

    public CompletableFuture<HistorySlice> history(String room, long before, int limit) {
        return broker.history(room, before, limit);
    }

    /** Rooms with members on this node. */
    public int activeRooms() {
        return rooms.size();
    }

    /** Members registered on this node. */
    public int memberCount() {
        return membersById.size();
    }

    @Override
    public void onMessage(ServerEvent.Message message) {
        fanOut(message.room(), message.offset(), null, message);
    }

    @Override
    public void onRoomEvent(String room, String aboutNick, ServerEvent event) {
        fanOut(room, 0, aboutNick, event);
    }

    private void fanOut(String room, long offset, String skipNick, ServerEvent event) {
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

    @Override
    public boolean onDirect(ServerEvent.Dm dm) {
        Member recipient = membersByNick.get(Names.nickKey(dm.to()));
        if (recipient == null) {
            return false;
        }
        EncodedEvent encoded = EncodedEvent.encode(alloc, new ServerEvent.Dm(dm.from(), recipient.nick(), dm.text(), dm.ts()));
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
