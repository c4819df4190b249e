package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The single-node {@link Broker}: history lives in this process and dies with it, so every room
 * shares one epoch drawn at start-up, and a restart gives all rooms a new one.
 *
 * <p>Publishing holds the room log's monitor while it assigns the offset and hands the message to
 * the listener, which is what keeps every member's deliveries in offset order. A room appears here
 * with its first message and is kept for as long as the process lives.
 *
 * <p>It is also the live part of a durable broker on a node alone ({@link LivePart}), which
 * keeps no history here ({@code historySize} 0).
 */
public final class MemoryBroker implements Broker, LivePart {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final String epoch = Epochs.fresh();
    private final int historySize;
    private final LongSupplier clock;
    private final Map<String, RoomLog> logs = new ConcurrentHashMap<>();
    private volatile BrokerListener listener;

    /** {@code historySize} messages are kept per room; {@code clock} gives the messages' {@code ts}. */
    public MemoryBroker(int historySize, LongSupplier clock) {
        if (historySize < 0) {
            throw new IllegalArgumentException("historySize < 0");
        }
        this.historySize = historySize;
        this.clock = clock;
    }

    @Override
    public void listen(BrokerListener listener) {
        this.listener = listener;
    }

    /** Every room's events reach the listener of this, the only node. */
    @Override
    public CompletableFuture<Void> watch(String room) {
        return DONE;
    }

    @Override
    public void unwatch(String room) {
    }

    @Override
    public CompletableFuture<Void> watchUser(String nick) {
        return DONE;
    }

    @Override
    public void unwatchUser(String nick) {
    }

    @Override
    public CompletableFuture<ServerEvent.Message> publish(String room, String from, String text, String nonce) {
        RoomLog log = logs.computeIfAbsent(room, name -> new RoomLog(name, historySize));
        ServerEvent.Message message;
        synchronized (log) {
            message = log.sentWith(from, nonce);
            if (message == null) {
                message = log.append(from, text, clock.getAsLong(), nonce);
                listener.onMessage(message);
            }
        }
        return CompletableFuture.completedFuture(message);
    }

    /** A room event that a durable broker stored: to this node's listener, like one published here. */
    @Override
    public void committed(String epoch, ServerEvent.RoomEvent event) {
        listener.onMessage(event);
    }

    @Override
    public CompletableFuture<Void> broadcast(String room, ServerEvent event) {
        listener.onRoomEvent(room, BrokerListener.aboutNick(event), event);
        return DONE;
    }

    @Override
    public CompletableFuture<Boolean> direct(ServerEvent.Dm dm) {
        return CompletableFuture.completedFuture(listener.onDirect(dm));
    }

    @Override
    public CompletableFuture<Recovery> recover(String room, StreamPosition since, int latest, int recoverMax) {
        RoomLog log = logs.get(room);
        if (log == null) {
            boolean recovered = since != null && since.epoch().equals(epoch) && since.offset() == 0;
            return CompletableFuture.completedFuture(new Recovery(epoch, 0, recovered, List.of(), 0));
        }
        synchronized (log) {
            long offset = log.offset();
            boolean inEpoch = since != null && since.epoch().equals(epoch) && since.offset() <= offset;
            boolean tooMany = inEpoch && offset - since.offset() > recoverMax;
            boolean recovered = inEpoch && !tooMany && since.offset() >= log.oldest() - 1;
            long from = recovered ? since.offset() + 1 : offset + 1 - latest;
            List<ServerEvent.Message> messages = log.range(from, offset + 1);
            long missed = tooMany ? (messages.isEmpty() ? offset + 1 : messages.get(0).offset()) - since.offset() - 1 : 0;
            return CompletableFuture.completedFuture(new Recovery(epoch, offset, recovered, messages, missed));
        }
    }

    @Override
    public CompletableFuture<HistorySlice> history(String room, HistoryQuery query) {
        RoomLog log = logs.get(room);
        if (log == null) {
            return CompletableFuture.completedFuture(new HistorySlice(epoch, List.of()));
        }
        synchronized (log) {
            List<ServerEvent.Message> messages;
            if (query.after() != null) {
                long from = query.after() >= log.offset() ? log.offset() + 1 : Math.max(query.after() + 1, log.oldest());
                messages = log.range(from, from + query.limit());
            } else {
                long to = Math.min(query.before() == null ? Long.MAX_VALUE : query.before(), log.offset() + 1);
                messages = log.range(to - query.limit(), to);
            }
            return CompletableFuture.completedFuture(new HistorySlice(epoch, messages));
        }
    }

    @Override
    public CompletableFuture<Map<String, Long>> roomsWithHistory() {
        Map<String, Long> rooms = new HashMap<>();
        logs.forEach((room, log) -> {
            synchronized (log) {
                rooms.put(room, log.offset());
            }
        });
        return CompletableFuture.completedFuture(rooms);
    }

    @Override
    public void close() {
        logs.clear();
    }
}
