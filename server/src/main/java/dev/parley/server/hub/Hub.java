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
import dev.parley.server.presence.PresenceListener;
import dev.parley.server.presence.RoomChange;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
public final class Hub implements BrokerListener, PresenceListener, AutoCloseable {
    /** How often members of rooms over the presence limit are told the room's count, when it changed. */
    static final long OCCUPANCY_INTERVAL_MS = 1000;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Broker broker;
    private final Presence presence;
    private final ServerMetrics metrics;
    private final ByteBufAllocator alloc;
    private final LongSupplier clock;
    private final int presenceLimit;
    private final OccupancyWatch occupancy;
    private final Map<String, Member> membersById = new ConcurrentHashMap<>();
    private final Map<String, Member> membersByNick = new ConcurrentHashMap<>();
    private final Map<String, Subscribers> rooms = new ConcurrentHashMap<>();
    /** Evictions under way by session id, so that a second request waits for the same one. */
    private final Map<String, CompletableFuture<Void>> evictions = new ConcurrentHashMap<>();
    /** Departures (leaves and their announcements, nick releases) not yet through, for a stop to wait on. */
    private final Set<CompletableFuture<?>> departing = ConcurrentHashMap.newKeySet();

    /**
     * @param presenceLimit members past which a room's joins and leaves are not announced one by
     *                      one: its members are told the count instead, at most once a second
     * @param timers        runs the reads of those counts
     */
    public Hub(Broker broker, Presence presence, ServerMetrics metrics, ByteBufAllocator alloc, LongSupplier clock,
               int presenceLimit, EventExecutor timers) {
        this.broker = broker;
        this.presence = presence;
        this.metrics = metrics;
        this.alloc = alloc;
        this.clock = clock;
        this.presenceLimit = presenceLimit;
        this.occupancy = new OccupancyWatch(presence, presenceLimit, timers, OCCUPANCY_INTERVAL_MS, rooms::containsKey,
                (room, count) -> fanOut(room, 0, null, new ServerEvent.Occupancy(room, count, clock.getAsLong())));
        broker.listen(this);
        presence.listen(this);
    }

    /**
     * A joined room as its new member sees it: the first members in nick order (at most the
     * presence limit) and how many there are.
     */
    public record Joined(List<String> members, int memberCount, Recovery recovery) {
    }

    /** A page of a room's members in nick order; {@code next} is where the next page starts, or null. */
    public record MemberPage(List<String> members, String next) {
    }

    /**
     * Gives {@code nick} to {@code member}. When a live session held it and {@code presentedResume}
     * is its secret, that session is evicted first and the claim completes once it has left its
     * rooms (a session on another node is evicted by its node before the presence's claim completes).
     */
    public CompletableFuture<NickClaim> login(Member member, String nick, String resumeSecret, String presentedResume) {
        return presence.claim(nick, new NickOwner(member.id(), resumeSecret), presentedResume).thenCompose(claim -> {
            if (!claim.granted()) {
                return CompletableFuture.completedFuture(claim);
            }
            membersById.put(member.id(), member);
            membersByNick.put(Names.nickKey(nick), member);
            CompletableFuture<Void> evicted = claim.replaced() == null
                    ? CompletableFuture.completedFuture(null) : evict(claim.replaced());
            return evicted.thenCompose(done -> broker.watchUser(nick)).handle((watched, failure) -> {
                if (failure != null) {
                    logout(member);
                    throw failure instanceof CompletionException e ? e : new CompletionException(failure);
                }
                return claim;
            });
        });
    }

    @Override
    public CompletableFuture<Void> evict(String sessionId) {
        Member replaced = membersById.get(sessionId);
        if (replaced == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> evicted = evictions.putIfAbsent(sessionId, started);
        if (evicted != null) {
            return evicted;
        }
        started.whenComplete((done, failure) -> evictions.remove(sessionId, started));
        try {
            replaced.executor().execute(() -> replaced.evict().whenComplete((done, failure) -> started.complete(null)));
        } catch (RejectedExecutionException shuttingDown) {
            started.complete(null);
        }
        return started;
    }

    /**
     * A member whose node died was removed from {@code room} by this node: the room is told here,
     * once (by its count, in a room over the presence limit).
     */
    @Override
    public void memberExpired(String room, String nick) {
        presence.count(room).thenAccept(count -> announce(room, ServerEvent.PresenceKind.LEAVE, nick, count));
    }

    /** Forgets a member that has ended; it must have left its rooms. */
    public void logout(Member member) {
        membersById.remove(member.id(), member);
        String nick = member.nick();
        if (nick != null) {
            if (membersByNick.remove(Names.nickKey(nick), member)) {
                broker.unwatchUser(nick);
            }
            departing(presence.release(nick, member.id()));
        }
    }

    /**
     * Completes when no departure is under way any more: the leaves have reached the presence and
     * been announced, the nicks released (a release starts only once its session's leaves are
     * through, so this waits for those too). A stopping node waits on it before it lets go of the
     * broker, so that its members' rooms are told.
     */
    public CompletableFuture<Void> departed() {
        if (departing.isEmpty()) {
            return DONE;
        }
        return CompletableFuture.allOf(departing.toArray(CompletableFuture[]::new))
                .handle((done, failure) -> null).thenCompose(done -> departed());
    }

    private <T> CompletableFuture<T> departing(CompletableFuture<T> departure) {
        departing.add(departure);
        departure.whenComplete((done, failure) -> departing.remove(departure));
        return departure;
    }

    /**
     * Adds {@code member} to {@code room}: from now on it receives the room's events. Completes
     * with the first members and what the member missed since {@code since}, or the latest messages.
     */
    public CompletableFuture<Joined> join(Member member, String room, StreamPosition since, int latest) {
        List<CompletableFuture<Void>> watched = new ArrayList<>(1);
        rooms.compute(room, (name, subscribers) -> {
            Subscribers updated = subscribers == null ? new Subscribers(name) : subscribers;
            updated.add(member);
            watched.add(broker.watch(room));
            return updated;
        });
        CompletableFuture<RoomChange> entered = presence.join(room, member.nick());
        // The room's live events reach this node before its history is read, so that the member's
        // session can merge the two by offset without a gap.
        CompletableFuture<Recovery> recovery = watched.get(0).thenCompose(ready -> broker.recover(room, since, latest));
        CompletableFuture<Joined> joined = entered.thenCompose(change -> presence.members(room, null, presenceLimit))
                .thenCombine(recovery, (members, recovered) -> new Joined(members, entered.join().members(), recovered));
        return joined.handle((value, failure) -> {
            if (failure != null) {
                unsubscribe(member, room);
                entered.thenAccept(change -> {
                    if (change.changed()) {
                        presence.leave(room, member.nick());
                    }
                });
                throw failure instanceof CompletionException e ? e : new CompletionException(failure);
            }
            RoomChange change = entered.join();
            if (change.changed()) {
                announce(room, ServerEvent.PresenceKind.JOIN, member.nick(), change.members());
            }
            return value;
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

    /** The first members and recovery for a member who joins a room it is already in. */
    public CompletableFuture<Joined> rejoin(String room, StreamPosition since, int latest) {
        return presence.count(room).thenCompose(count -> presence.members(room, null, presenceLimit)
                .thenCombine(broker.recover(room, since, latest), (members, recovery) -> new Joined(members, count, recovery)));
    }

    /** Removes {@code member} from {@code room} and tells the other members. */
    public CompletableFuture<Void> leave(Member member, String room) {
        unsubscribe(member, room);
        CompletableFuture<RoomChange> left = presence.leave(room, member.nick());
        departing(left.thenCompose(change -> change.changed()
                ? announce(room, ServerEvent.PresenceKind.LEAVE, member.nick(), change.members()) : DONE));
        return left.thenApply(change -> null);
    }

    /**
     * Removes {@code member} from {@code room} on this node without telling anyone: the room keeps
     * the nick until the presence lets it expire, unless a session on another node joins the room
     * under that nick first (a resume after a graceful stop), which then is no change to announce.
     */
    public CompletableFuture<Void> abandon(Member member, String room) {
        unsubscribe(member, room);
        return departing(presence.abandon(room, member.nick()));
    }

    /**
     * Tells the room of a join or leave that changed its members to {@code count}: one by one while
     * the room with that member in it is within the presence limit; otherwise the change is left to
     * the occupancy watch. The join that takes a room over the limit tells every node, through the
     * broker, to watch it.
     */
    private CompletableFuture<Void> announce(String room, ServerEvent.PresenceKind kind, String nick, int count) {
        int withMember = kind == ServerEvent.PresenceKind.JOIN ? count : count + 1;
        if (withMember <= presenceLimit) {
            return broker.broadcast(room, new ServerEvent.Presence(room, kind, nick, clock.getAsLong()));
        } else if (kind == ServerEvent.PresenceKind.JOIN && count == presenceLimit + 1) {
            return broker.broadcast(room, new ServerEvent.Occupancy(room, count, clock.getAsLong()));
        }
        occupancy.watch(room);
        return DONE;
    }

    private void unsubscribe(Member member, String room) {
        rooms.computeIfPresent(room, (name, subscribers) -> {
            if (!subscribers.remove(member)) {
                return subscribers;
            }
            broker.unwatch(room);
            return null;
        });
    }

    public CompletableFuture<ServerEvent.Message> publish(Member member, String room, String text) {
        return broker.publish(room, member.nick(), text);
    }

    /** A message published for a backend, with the epoch of the room's history it went into. */
    public record Published(ServerEvent.Message message, String epoch) {
    }

    /** Publishes a room message on behalf of {@code from}, who need not be connected (the server API). */
    public CompletableFuture<Published> publish(String from, String room, String text) {
        return broker.publish(room, from, text).thenCompose(message -> broker.recover(room, null, 0)
                .thenApply(recovery -> new Published(message, recovery.epoch())));
    }

    public void typing(Member member, String room) {
        broker.broadcast(room, new ServerEvent.Typing(room, member.nick()));
    }

    /** Sends a direct message; completes with its timestamp, or {@code null} when {@code to} is not online. */
    public CompletableFuture<Long> direct(Member member, String to, String text) {
        return direct(member.nick(), to, text);
    }

    /** Sends a direct message from {@code from}, who need not be connected (the server API); as above. */
    public CompletableFuture<Long> direct(String from, String to, String text) {
        long ts = clock.getAsLong();
        return broker.direct(new ServerEvent.Dm(from, to, text, ts))
                .thenApply(delivered -> delivered ? ts : null);
    }

    /** Up to {@code limit} members of {@code room} in nick order, after {@code after} when it is not null. */
    public CompletableFuture<MemberPage> members(String room, String after, int limit) {
        return presence.members(room, after, limit + 1).thenApply(members -> members.size() <= limit
                ? new MemberPage(members, null)
                : new MemberPage(members.subList(0, limit), members.get(limit - 1)));
    }

    /** Closes the session of {@code nick} on this node with 1008; false when it has none here. */
    public boolean disconnect(String nick) {
        Member member = membersByNick.get(Names.nickKey(nick));
        if (member == null) {
            return false;
        }
        try {
            member.executor().execute(member::disconnect);
        } catch (RejectedExecutionException shuttingDown) {
            return false;
        }
        return true;
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

    /** A room event; an {@code occupancy} event says the room has gone over the presence limit. */
    @Override
    public void onRoomEvent(String room, String aboutNick, ServerEvent event) {
        if (event instanceof ServerEvent.Occupancy) {
            if (rooms.containsKey(room)) {
                occupancy.watch(room);
            }
        } else {
            fanOut(room, 0, aboutNick, event);
        }
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
    public void onRoomLost(String room) {
        Subscribers subscribers = rooms.get(room);
        if (subscribers != null) {
            subscribers.forEachMember(member -> member.lostTrack(room));
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

    /** Stops the occupancy reads; the hub serves nothing afterwards. */
    @Override
    public void close() {
        occupancy.close();
    }
}
