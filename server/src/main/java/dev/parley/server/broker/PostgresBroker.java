package dev.parley.server.broker;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import dev.parley.server.redis.Redis;
import dev.parley.server.store.Database;
import dev.parley.server.store.DirectMessages;
import dev.parley.server.store.EventRefused;
import dev.parley.server.store.GroupCommitWriter;
import dev.parley.server.store.NewEvent;
import dev.parley.server.store.ReadMarkers;
import dev.parley.server.store.RoomHistory;
import dev.parley.server.store.WebhookOutbox;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The {@link Broker} with durable history: room events are stored in PostgreSQL by the
 * {@link GroupCommitWriter}, which gives them their offsets, and handed to the live part only once
 * committed, in each room's offset order (on the writer's thread), before the publish completes;
 * history, recovery and search read the database. A room's epoch is its row's in the database, so
 * it outlives restarts of nodes and of Redis.
 *
 * <p>The live part ({@link LivePart}) carries the committed messages, direct messages and what is
 * never stored (presence, typing) to members: a {@link MemoryBroker} of this node when it is alone;
 * in a cluster, Redis publish/subscribe ({@link RoomChannels}), whose feeds read a room's position
 * and missing messages from the database, so that Redis holds nothing a room needs. With
 * auth on, direct messages are stored by {@link DirectMessages} before the live part carries them
 * to every node of the recipient, where {@link DirectMessages#arrived} delivers them to each of its
 * sessions once (in a chunk of its stored messages or live) and marks them delivered.
 * Read markers and unread counts are the database's ({@link ReadMarkers}), so every node of a
 * cluster sees the same; the {@code read} event to a user's other sessions goes through the live
 * part's {@link #toUser}.
 */
public final class PostgresBroker implements Broker {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBroker.class);
    private static final Set<String> FEATURES = Set.of("durable", "search", "edit", "delete", "reactions", "replies",
            ReadState.FEATURE);

    private final LivePart live;
    private final GroupCommitWriter writer;
    private final RoomHistory history;
    private final DirectMessages directMessages;
    private final WebhookOutbox outbox;
    private final ReadMarkers markers;
    private volatile BrokerListener listener;

    /**
     * A node alone: its members are all here. {@code registry} gets the writer's metrics;
     * {@code storeDirect}: store direct messages (auth is on).
     */
    public PostgresBroker(Database database, LongSupplier clock, MeterRegistry registry, boolean storeDirect) {
        this(database, new RoomHistory(database), new MemoryBroker(0, clock), clock, registry, storeDirect);
    }

    private PostgresBroker(Database database, RoomHistory history, LivePart live, LongSupplier clock,
                           MeterRegistry registry, boolean storeDirect) {
        this.live = live;
        this.history = history;
        this.directMessages = storeDirect ? new DirectMessages(database,
                (dm, sessions) -> listener.onDirect(dm, sessions::contains)) : null;
        this.markers = new ReadMarkers(database);
        this.outbox = WebhookOutbox.of(database);
        this.writer = new GroupCommitWriter(database, clock, live::committed, Command.React.MAX_EMOJI_PER_MESSAGE, registry);
    }

    /**
     * A node of a cluster that shares the database and {@code redis}: committed messages, presence,
     * typing and direct messages travel on Redis channels; each watched room's position is checked
     * against the database every {@code checkInterval}. Completes once its publish/subscribe
     * connection is up.
     */
    public static CompletableFuture<PostgresBroker> clustered(Database database, Redis redis, LongSupplier clock,
                                                              Duration checkInterval, MeterRegistry registry,
                                                              boolean storeDirect) {
        RoomHistory history = new RoomHistory(database);
        return RoomChannels.open(redis, rooms -> positions(history, rooms), (room, from, to) -> history
                        .after(room, from - 1, (int) Math.min(Integer.MAX_VALUE, to - from + 1), true)
                        .thenApply(page -> new RoomFeed.Fetched(page.epoch(), page.top(), page.messages())),
                // The database gives every offset once and loses none: a history never goes back.
                (room, epoch) -> { }, checkInterval)
                .thenApply(channels -> new PostgresBroker(database, history, channels, clock, registry, storeDirect));
    }

    private static CompletableFuture<Map<String, RoomFeed.Position>> positions(RoomHistory history, Set<String> rooms) {
        return history.positions(rooms).thenApply(read -> {
            Map<String, RoomFeed.Position> positions = new HashMap<>();
            read.forEach((room, position) -> positions.put(room, new RoomFeed.Position(position.epoch(), position.top())));
            return positions;
        });
    }

    @Override
    public void listen(BrokerListener listener) {
        this.listener = listener;
        live.listen(directMessages == null ? listener : new ForwardingListener(listener) {
            /** A stored message, to the recipient's sessions that did not take it as stored. */
            @Override
            public boolean onDirect(ServerEvent.Dm dm, Predicate<String> toSessions) {
                return directMessages.arrived(dm);
            }
        });
    }

    @Override
    public CompletableFuture<ServerEvent.Message> publish(String room, String from, String text, String nonce) {
        CompletableFuture<Optional<ServerEvent.RoomEvent>> stored = publish(new RoomAction.Send(room, from, text, nonce, null));
        CompletableFuture<ServerEvent.Message> message = stored.thenApply(event -> (ServerEvent.Message) event.orElseThrow());
        givingUpReaches(message, stored);
        return message;
    }

    @Override
    public CompletableFuture<Boolean> sentWith(String room, String from, String nonce) {
        return history.sentWith(room, from, nonce);
    }

    @Override
    public CompletableFuture<Optional<ServerEvent.RoomEvent>> publish(RoomAction action) {
        CompletableFuture<Optional<ServerEvent.RoomEvent>> stored = writer.append(newEvent(action));
        CompletableFuture<Optional<ServerEvent.RoomEvent>> result = new CompletableFuture<>();
        stored.whenComplete((event, failure) -> {
            if (failure == null) {
                result.complete(event);
            } else {
                result.completeExceptionally(failure instanceof EventRefused refused ? refused(refused) : failure);
            }
        });
        givingUpReaches(result, stored);
        return result;
    }

    /** A caller that gives up on {@code answer} (the OutageBroker, past its deadline) fails {@code work} too: the writer then skips the event. */
    private static void givingUpReaches(CompletableFuture<?> answer, CompletableFuture<?> work) {
        answer.whenComplete((done, failure) -> {
            if (failure != null) {
                work.completeExceptionally(failure);
            }
        });
    }

    private static NewEvent newEvent(RoomAction action) {
        if (action instanceof RoomAction.Send send) {
            return NewEvent.message(send.room(), send.from(), send.text(), send.nonce(), send.replyTo());
        } else if (action instanceof RoomAction.Edit edit) {
            return NewEvent.edit(edit.room(), edit.from(), edit.target(), edit.text());
        } else if (action instanceof RoomAction.Delete delete) {
            return NewEvent.delete(delete.room(), delete.from(), delete.target(), delete.moderator());
        }
        RoomAction.React react = (RoomAction.React) action;
        return NewEvent.reaction(react.room(), react.from(), react.target(), react.emoji(), react.on());
    }

    private static RoomActionRefused refused(EventRefused refused) {
        return switch (refused.reason()) {
            case NOT_FOUND -> RoomActionRefused.notFound(refused.target());
            case FORBIDDEN -> RoomActionRefused.forbidden(refused.target());
            case TOO_MANY_EMOJI -> RoomActionRefused.tooManyEmoji(Command.React.MAX_EMOJI_PER_MESSAGE);
        };
    }

    @Override
    public CompletableFuture<Void> watch(String room) {
        return live.watch(room);
    }

    @Override
    public void unwatch(String room) {
        live.unwatch(room);
    }

    @Override
    public CompletableFuture<Void> watchUser(String nick) {
        return live.watchUser(nick);
    }

    @Override
    public void unwatchUser(String nick) {
        live.unwatchUser(nick);
    }

    @Override
    public CompletableFuture<Void> broadcast(String room, ServerEvent event) {
        return live.broadcast(room, event);
    }

    @Override
    public CompletableFuture<Void> toUser(String nick, String exceptSession, ServerEvent event) {
        return live.toUser(nick, exceptSession, event);
    }

    @Override
    public CompletableFuture<Boolean> disconnect(String nick) {
        return live.disconnect(nick);
    }

    @Override
    public CompletableFuture<Boolean> direct(ServerEvent.Dm dm) {
        if (directMessages == null) {
            return live.direct(dm);
        }
        // Stored pending, then to the nodes of its recipient, which deliver and claim it; the
        // sender's answer says stored, whatever becomes of the publish.
        return directMessages.store(dm).thenApply(stored -> {
            live.direct(stored).exceptionally(failure -> {
                LOG.debug("direct message {} to {} stored, not published: {}", stored.seq(), stored.to(), failure.getMessage());
                return false;
            });
            return true;
        });
    }

    @Override
    public DirectMessages directMessages() {
        return directMessages;
    }

    @Override
    public WebhookOutbox webhookOutbox() {
        return outbox;
    }

    @Override
    public CompletableFuture<Recovery> recover(String room, StreamPosition since, int latest, int recoverMax) {
        return history.since(room, since == null ? null : since.epoch(), since == null ? 0 : since.offset(), latest, recoverMax)
                .thenApply(catchup -> new Recovery(catchup.page().epoch(), catchup.page().top(), catchup.recovered(),
                        catchup.page().messages(), catchup.missed()));
    }

    @Override
    public CompletableFuture<HistorySlice> history(String room, HistoryQuery query) {
        CompletableFuture<RoomHistory.Page> page = query.after() != null
                ? history.after(room, query.after(), query.limit(), query.allEvents())
                : history.before(room, query.before() == null ? Long.MAX_VALUE : query.before(), query.limit(),
                query.allEvents());
        return page.thenApply(read -> new HistorySlice(read.epoch(), read.messages()));
    }

    @Override
    public CompletableFuture<SearchPage> search(String room, String query, Long before, int limit) {
        return history.search(room, query, before, limit).thenApply(found -> new SearchPage(found.messages(), found.next()));
    }

    @Override
    public Set<String> features() {
        return FEATURES;
    }

    @Override
    public CompletableFuture<Map<String, Long>> roomsWithHistory() {
        return history.rooms();
    }

    @Override
    public CompletableFuture<OptionalLong> markRead(String user, String room, long offset) {
        return markers.markRead(user, room, offset);
    }

    @Override
    public CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String user) {
        return markers.unread(user);
    }

    @Override
    public CompletableFuture<Void> forget(String user, String room) {
        return markers.forget(user, room);
    }

    /**
     * Finishes the transaction under way; publishes still queued fail. The database (and Redis)
     * are their owner's to close.
     */
    @Override
    public void close() {
        writer.close();
        live.close();
    }
}
