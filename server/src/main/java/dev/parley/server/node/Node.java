package dev.parley.server.node;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import dev.parley.server.broker.Broker;
import dev.parley.server.broker.BrokerListener;
import dev.parley.server.broker.HistoryQuery;
import dev.parley.server.broker.HistorySlice;
import dev.parley.server.broker.Recovery;
import dev.parley.server.broker.RoomAction;
import dev.parley.server.broker.SearchPage;
import dev.parley.server.hub.Hub;
import dev.parley.server.hub.Member;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.presence.NickClaim;
import dev.parley.server.presence.Presence;
import dev.parley.server.presence.PresenceListener;
import dev.parley.server.presence.RoomChange;
import dev.parley.server.store.DirectMessages;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * This node of the chat: it owns the {@link Broker} and {@link Presence} (in memory or on Redis,
 * see {@link Backend}) and the node's life, from logins and evictions to the departures a stop
 * waits for. Sessions and the server API ask the node to join, leave, publish and query; the node
 * goes through the broker and presence so that other nodes see the same, announces joins and
 * leaves, and hands what the broker delivers to its {@link Hub}, which fans it out to the local
 * members.
 *
 * <p>Thread-safe: called from every event loop at once.
 */
public final class Node implements BrokerListener, PresenceListener {
    /** How often members of rooms over the presence limit are told the room's count, when it changed. */
    static final long OCCUPANCY_INTERVAL_MS = 1000;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Backend backend;
    private final Broker broker;
    private final Presence presence;
    private final Hub hub;
    private final LongSupplier clock;
    private final int presenceLimit;
    private final List<String> features;
    private final OccupancyWatch occupancy;
    private final Logins logins;
    private final UserReadState userReadState;
    private final Hooks hooks;
    private final Webhooks webhooks;
    /** Departures (leaves and their announcements, nick releases) not yet through, for a stop to wait on. */
    private final Set<CompletableFuture<?>> departing = ConcurrentHashMap.newKeySet();

    /**
     * @param presenceLimit members past which a room's joins and leaves are not announced one by
     *                      one: its members are told the count instead, at most once a second
     * @param sessions      how many sessions a user may hold
     * @param timers        runs the reads of those counts
     */
    public Node(Backend backend, ServerMetrics metrics, ByteBufAllocator alloc, LongSupplier clock, int presenceLimit,
                UserSessions sessions, EventExecutor timers) {
        this(backend, metrics, alloc, clock, presenceLimit, sessions, timers, Hooks.NONE);
    }

    /** As above, with the hooks to the application's backend, which the node closes. */
    public Node(Backend backend, ServerMetrics metrics, ByteBufAllocator alloc, LongSupplier clock, int presenceLimit,
                UserSessions sessions, EventExecutor timers, Hooks hooks) {
        this.backend = backend;
        this.hooks = hooks;
        this.broker = backend.broker();
        this.presence = backend.presence();
        this.clock = clock;
        this.presenceLimit = presenceLimit;
        Set<String> offered = new TreeSet<>(broker.features());
        if (sessions.shared()) {
            offered.add("multi-session");
        }
        this.features = List.copyOf(offered);
        BrokerWatch watch = new BrokerWatch(broker);
        this.hub = new Hub(metrics, alloc, watch, watch);
        this.webhooks = Webhooks.of(hooks, broker, metrics.registry(), clock);
        this.logins = new Logins(presence, hub, sessions, webhooks);
        this.userReadState = new UserReadState(broker);
        this.occupancy = new OccupancyWatch(presence, presenceLimit, timers, OCCUPANCY_INTERVAL_MS, hub::hasRoom,
                (room, count) -> hub.fanOut(room, 0, null, new ServerEvent.Occupancy(room, count, clock.getAsLong())));
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

    /** A message published for a backend, with the epoch of the room's history it went into. */
    public record Published(ServerEvent.Message message, String epoch) {
    }

    /** The hooks to the application's backend ({@link Hooks#NONE} when none is configured). */
    public Hooks hooks() {
        return hooks;
    }

    /** The registry of this node's members and rooms. */
    public Hub hub() {
        return hub;
    }

    /**
     * The optional parts of the protocol this node offers, for {@code welcome.features}: its
     * broker's, and "multi-session" where a user's sessions are shared.
     */
    public List<String> features() {
        return features;
    }

    /** Users' read markers; only when {@link #features()} has "read". */
    public UserReadState userReadState() {
        return userReadState;
    }

    /** Whether the broker and presence can be reached: the node is ready for sessions. */
    public boolean reachable() {
        return backend.reachable().getAsBoolean();
    }

    /**
     * Gives {@code nick} to {@code member}, one more session of its user where sessions are
     * shared; refused {@link NickClaim.Outcome#TAKEN} or {@link NickClaim.Outcome#FULL}. When
     * {@code presentedResume} is a live session's secret, that session is evicted first and the
     * claim completes once it has left its rooms (a session on another node is evicted by its node
     * before the presence's claim completes).
     */
    public CompletableFuture<NickClaim> login(Member member, String nick, String resumeSecret, String presentedResume) {
        return logins.login(member, nick, resumeSecret, presentedResume);
    }

    @Override
    public CompletableFuture<Void> evict(String sessionId) {
        return logins.evict(sessionId);
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
        departing(logins.logout(member));
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
    public CompletableFuture<Joined> join(Member member, String room, StreamPosition since, int latest, int recoverMax) {
        CompletableFuture<Void> watched = hub.subscribe(member, room);
        CompletableFuture<RoomChange> entered = presence.join(room, member.nick(), member.id());
        // The room's live events reach this node before its history is read, so that the member's
        // session can merge the two by offset without a gap.
        CompletableFuture<Recovery> recovery = watched.thenCompose(ready -> broker.recover(room, since, latest, recoverMax));
        CompletableFuture<Joined> joined = entered.thenCompose(change -> presence.members(room, null, presenceLimit))
                .thenCombine(recovery, (members, recovered) -> new Joined(members, entered.join().members(), recovered));
        return joined.handle((value, failure) -> {
            if (failure != null) {
                hub.unsubscribe(member, room);
                entered.thenAccept(change -> {
                    if (change.changed()) {
                        presence.leave(room, member.nick(), member.id());
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

    /** The first members and recovery for a member who joins a room it is already in. */
    public CompletableFuture<Joined> rejoin(String room, StreamPosition since, int latest, int recoverMax) {
        return presence.count(room).thenCompose(count -> presence.members(room, null, presenceLimit)
                .thenCombine(broker.recover(room, since, latest, recoverMax),
                        (members, recovery) -> new Joined(members, count, recovery)));
    }

    /** Removes {@code member} from {@code room} and tells the other members. */
    public CompletableFuture<Void> leave(Member member, String room) {
        hub.unsubscribe(member, room);
        CompletableFuture<RoomChange> left = presence.leave(room, member.nick(), member.id());
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
        hub.unsubscribe(member, room);
        return departing(presence.abandon(room, member.nick(), member.id()));
    }

    /**
     * Tells the room of a join or leave that changed its members to {@code count}: one by one while
     * the room with that member in it is within the presence limit; otherwise the change is left to
     * the occupancy watch. The join that takes a room over the limit tells every node, through the
     * broker, to watch it.
     */
    private CompletableFuture<Void> announce(String room, ServerEvent.PresenceKind kind, String nick, int count) {
        webhooks.member(kind == ServerEvent.PresenceKind.JOIN, room, nick);
        int withMember = kind == ServerEvent.PresenceKind.JOIN ? count : count + 1;
        if (withMember <= presenceLimit) {
            return broker.broadcast(room, new ServerEvent.Presence(room, kind, nick, clock.getAsLong()));
        } else if (kind == ServerEvent.PresenceKind.JOIN && count == presenceLimit + 1) {
            return broker.broadcast(room, new ServerEvent.Occupancy(room, count, clock.getAsLong()));
        }
        occupancy.watch(room);
        return DONE;
    }

    /** Publishes a message, edit, delete or reaction as {@link Broker#publish(RoomAction)} says. */
    public CompletableFuture<Optional<ServerEvent.RoomEvent>> publish(RoomAction action) {
        return webhooks.published(broker.publish(action));
    }

    /** Publishes a room message on behalf of {@code from}, who need not be connected (the server API). */
    public CompletableFuture<Published> publish(String from, String room, String text) {
        return webhooks.publishedMessage(broker.publish(room, from, text, null)).thenCompose(message -> broker.recover(room, null, 0, 0)
                .thenApply(recovery -> new Published(message, recovery.epoch())));
    }

    public void typing(Member member, String room) {
        broker.broadcast(room, new ServerEvent.Typing(room, member.nick()));
    }

    /** Sends a direct message from {@code from} (connected or not); its ts, or null when nobody got or stored it. */
    public CompletableFuture<Long> direct(String from, String to, String text) {
        long ts = clock.getAsLong();
        return broker.direct(new ServerEvent.Dm(from, to, text, ts)).thenApply(delivered -> delivered ? ts : null);
    }

    /** Where direct messages are stored; null where they are not (see {@link Broker#directMessages()}). */
    public DirectMessages directMessages() {
        return broker.directMessages();
    }

    /** Up to {@code limit} members of {@code room} in nick order, after {@code after} when it is not null. */
    public CompletableFuture<MemberPage> members(String room, String after, int limit) {
        return presence.members(room, after, limit + 1).thenApply(members -> members.size() <= limit
                ? new MemberPage(members, null)
                : new MemberPage(members.subList(0, limit), members.get(limit - 1)));
    }

    /** Closes the sessions of {@code nick} on every node with 1008; completes with whether a node had one. */
    public CompletableFuture<Boolean> disconnect(String nick) {
        return broker.disconnect(nick);
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

    public CompletableFuture<HistorySlice> history(String room, HistoryQuery query) {
        return broker.history(room, query);
    }

    /** Messages of {@code room} that match {@code query}, newest first; only when {@link #features()} has "search". */
    public CompletableFuture<SearchPage> search(String room, String query, Long before, int limit) {
        return broker.search(room, query, before, limit);
    }

    @Override
    public void onMessage(ServerEvent.RoomEvent message) {
        webhooks.delivered(message);
        hub.fanOut(message.room(), message.offset(), null, message);
    }

    /** A room event; an {@code occupancy} event says the room has gone over the presence limit. */
    @Override
    public void onRoomEvent(String room, String aboutNick, ServerEvent event) {
        if (event instanceof ServerEvent.Occupancy) {
            if (hub.hasRoom(room)) {
                occupancy.watch(room);
            }
        } else {
            hub.fanOut(room, 0, aboutNick, event);
        }
    }

    @Override
    public void onRoomLost(String room) {
        hub.lostTrack(room);
    }

    @Override
    public boolean onDirect(ServerEvent.Dm dm, Predicate<String> toSessions) {
        return hub.deliverDirect(dm, toSessions);
    }

    @Override
    public boolean onDisconnect(String nick) {
        return hub.disconnect(nick);
    }

    @Override
    public void onUserEvent(String nick, String exceptSession, ServerEvent event) {
        hub.deliverToUser(nick, exceptSession, event);
    }

    /**
     * Stops the occupancy reads, closes the broker and presence, then their connections; completes
     * when they are released. The node serves nothing afterwards.
     */
    public CompletableFuture<Void> close() {
        occupancy.close();
        webhooks.close();
        hooks.close();
        return backend.close();
    }
}
