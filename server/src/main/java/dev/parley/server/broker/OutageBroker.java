package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;
import dev.parley.server.backend.UnavailableException;
import dev.parley.server.store.DirectMessages;
import dev.parley.server.store.WebhookOutbox;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link Broker} over a durable one for the times its store cannot answer (down, restarting,
 * failing over, frozen):
 * <ul>
 * <li>Every publish and read gets {@code timeoutMs}: past it, it fails with
 * {@link UnavailableException}. The durable broker's own future is completed so, which tells a
 * store that has not started the work yet to skip it (the group-commit writer does).</li>
 * <li>For each watched room it keeps the {@link RecentEvents} this node delivered (at most
 * {@code windowSize}), and the epoch and latest offset its durable reads told. A {@code history}
 * or {@code recover} that fails as unavailable (or past the deadline) is answered from there when
 * the window holds what the answer needs; otherwise it fails as before.</li>
 * <li>Read markers and unread counts get the same timeout and have no fallback.</li>
 * </ul>
 */
public final class OutageBroker implements Broker {
    private final Broker durable;
    private final long timeoutMs;
    private final int windowSize;
    private final Map<String, RecentEvents> windows = new ConcurrentHashMap<>();
    private final HashedWheelTimer deadlines;

    public OutageBroker(Broker durable, long timeoutMs, int windowSize) {
        this.durable = durable;
        this.timeoutMs = timeoutMs;
        this.windowSize = windowSize;
        // A wheel: each storing request adds a deadline and cancels it, both O(1) without a lock.
        this.deadlines = new HashedWheelTimer(new DefaultThreadFactory("parley-broker-deadlines", true), 10, TimeUnit.MILLISECONDS,
                512, false);
    }

    @Override
    public void listen(BrokerListener listener) {
        durable.listen(new ForwardingListener(listener) {
            @Override
            public void onMessage(ServerEvent.RoomEvent message) {
                RecentEvents window = windows.get(message.room());
                if (window != null) {
                    window.delivered(message);
                }
                super.onMessage(message);
            }

            @Override
            public void onRoomLost(String room) {
                windows.computeIfPresent(room, (name, window) -> new RecentEvents(windowSize));
                super.onRoomLost(room);
            }
        });
    }

    @Override
    public CompletableFuture<ServerEvent.Message> publish(String room, String from, String text, String nonce) {
        return withDeadline(durable.publish(room, from, text, nonce), "storing a message");
    }

    /** The durable broker passes a deadline that fails its answer on to its writer, which then skips the event. */
    @Override
    public CompletableFuture<Boolean> sentWith(String room, String from, String nonce) {
        return withDeadline(durable.sentWith(room, from, nonce), "looking up a nonce");
    }

    @Override
    public CompletableFuture<Optional<ServerEvent.RoomEvent>> publish(RoomAction action) {
        return withDeadline(durable.publish(action), action instanceof RoomAction.Send ? "storing a message" : "storing a room event");
    }

    @Override
    public CompletableFuture<Void> watch(String room) {
        windows.computeIfAbsent(room, name -> new RecentEvents(windowSize));
        return durable.watch(room);
    }

    @Override
    public void unwatch(String room) {
        windows.remove(room);
        durable.unwatch(room);
    }

    @Override
    public CompletableFuture<Void> watchUser(String nick) {
        return durable.watchUser(nick);
    }

    @Override
    public void unwatchUser(String nick) {
        durable.unwatchUser(nick);
    }

    @Override
    public CompletableFuture<Void> broadcast(String room, ServerEvent event) {
        return durable.broadcast(room, event);
    }

    @Override
    public CompletableFuture<Void> toUser(String nick, String exceptSession, ServerEvent event) {
        return durable.toUser(nick, exceptSession, event);
    }

    @Override
    public CompletableFuture<Boolean> disconnect(String nick) {
        return durable.disconnect(nick);
    }

    @Override
    public CompletableFuture<Boolean> direct(ServerEvent.Dm dm) {
        return withDeadline(durable.direct(dm), "storing a direct message");
    }

    @Override
    public DirectMessages directMessages() {
        return durable.directMessages();
    }

    @Override
    public WebhookOutbox webhookOutbox() {
        return durable.webhookOutbox();
    }

    @Override
    public CompletableFuture<Recovery> recover(String room, StreamPosition since, int latest, int recoverMax) {
        CompletableFuture<Recovery> read = withDeadline(durable.recover(room, since, latest, recoverMax), "reading history");
        return read.handle((recovery, failure) -> {
            RecentEvents window = windows.get(room);
            if (failure == null) {
                if (window != null && endsAtTop(recovery) && isLog(recovery)) {
                    window.read(recovery.epoch(), recovery.offset(), recovery.messages());
                } else if (window != null) {
                    window.read(recovery.epoch(), null, List.of());
                }
                return recovery;
            }
            return fallBack(failure, window == null ? null : () -> window.recover(since, latest, recoverMax));
        });
    }

    /**
     * Whether the recovery's messages are the room's log: recovered, or the latest messages when
     * they are consecutive and none has state (then they are as sent).
     */
    private static boolean isLog(Recovery recovery) {
        if (recovery.recovered()) {
            return true;
        }
        List<? extends ServerEvent.RoomEvent> messages = recovery.messages();
        for (int i = 0; i < messages.size(); i++) {
            ServerEvent.Message message = (ServerEvent.Message) messages.get(i);
            boolean plain = message.edited() == null && message.deleted() == null && message.reactions() == null;
            if (!plain || message.offset() != messages.get(0).offset() + i) {
                return false;
            }
        }
        return true;
    }

    /** Whether the recovery's messages are the consecutive ones up to its offset, as every answer but one cut short is. */
    private static boolean endsAtTop(Recovery recovery) {
        return recovery.messages().isEmpty() || recovery.messages().get(recovery.messages().size() - 1).offset() == recovery.offset();
    }

    @Override
    public CompletableFuture<HistorySlice> history(String room, HistoryQuery query) {
        return withDeadline(durable.history(room, query), "reading history").handle((slice, failure) -> {
            RecentEvents window = windows.get(room);
            if (failure == null) {
                if (window != null) {
                    window.read(slice.epoch(), null, List.of());
                }
                return slice;
            }
            return fallBack(failure, window == null ? null : () -> window.history(query));
        });
    }

    /** The window's answer to a read that failed as unavailable, when it has one; else the failure. */
    private static <T> T fallBack(Throwable failure, Supplier<T> fromWindow) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        T answer = cause instanceof UnavailableException && fromWindow != null ? fromWindow.get() : null;
        if (answer != null) {
            return answer;
        }
        throw failure instanceof CompletionException e ? e : new CompletionException(cause);
    }

    @Override
    public CompletableFuture<SearchPage> search(String room, String query, Long before, int limit) {
        return withDeadline(durable.search(room, query, before, limit), "searching");
    }

    @Override
    public Set<String> features() {
        return durable.features();
    }

    @Override
    public CompletableFuture<Map<String, Long>> roomsWithHistory() {
        return withDeadline(durable.roomsWithHistory(), "listing rooms");
    }

    @Override
    public CompletableFuture<OptionalLong> markRead(String user, String room, long offset) {
        return withDeadline(durable.markRead(user, room, offset), "storing a read marker");
    }

    @Override
    public CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String user) {
        return withDeadline(durable.unread(user), "reading unread counts");
    }

    @Override
    public CompletableFuture<Void> forget(String user, String room) {
        return withDeadline(durable.forget(user, room), "removing a read marker");
    }

    /** Fails {@code work} as unavailable if it is not done within the timeout; returns it. */
    private <T> CompletableFuture<T> withDeadline(CompletableFuture<T> work, String what) {
        if (work.isDone()) {
            return work;
        }
        Timeout deadline = deadlines.newTimeout(expired -> work.completeExceptionally(
                new UnavailableException(what + " took longer than " + timeoutMs + " ms", null)), timeoutMs, TimeUnit.MILLISECONDS);
        work.whenComplete((done, failure) -> deadline.cancel());
        return work;
    }

    @Override
    public void close() {
        durable.close();
        deadlines.stop();
    }
}
