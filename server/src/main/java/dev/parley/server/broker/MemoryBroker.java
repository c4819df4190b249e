package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;
import dev.parley.protocol.StreamPosition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The single-node {@link Broker}: history lives in this process and dies with it, so every room
 * shares one epoch drawn at start-up, and a restart gives all rooms a new one.
 *
 * <p>Publishing holds the room log's monitor while it assigns the offset and hands the message to
 * the listener, which is what keeps every member's deliveries in offset order. A room appears here
 * with its first message and is kept for as long as the process lives.
 *
 * <p>It keeps {@link ReadState}: users' read markers live as long as the process, and a room's
 * counts come from its log's {@link UnreadIndex}, of the messages the window still keeps.
 *
 * <p>It is also the live part of a durable broker on a node alone ({@link LivePart}), which
 * keeps no history here ({@code historySize} 0).
 */
public final class MemoryBroker implements Broker, LivePart {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** What a node alone offers: the message state of its logs, and read state. */
    private static final Set<String> FEATURES = Stream.concat(RoomAction.FEATURES.stream(), Stream.of(ReadState.FEATURE))
            .collect(Collectors.toUnmodifiableSet());

    private final String epoch = Epochs.fresh();
    private final int historySize;
    private final LongSupplier clock;
    private final Map<String, RoomLog> logs = new ConcurrentHashMap<>();
    /**
     * Read markers by {@link #markerKey}: nick keys and room names hold no space, so one user's
     * markers are a range of the map, in the rooms' name order.
     */
    private final ConcurrentNavigableMap<String, Long> markers = new ConcurrentSkipListMap<>();
    private volatile BrokerListener listener;

    /** {@code historySize} room events are kept per room; {@code clock} gives the events' {@code ts}. */
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
        return publish(new RoomAction.Send(room, from, text, nonce, null))
                .thenApply(message -> (ServerEvent.Message) message.orElseThrow());
    }

    @Override
    public CompletableFuture<Boolean> sentWith(String room, String from, String nonce) {
        RoomLog log = logs.get(room);
        if (log == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (log) {
            return CompletableFuture.completedFuture(log.sentWith(from, nonce) != null);
        }
    }

    @Override
    public CompletableFuture<Optional<ServerEvent.RoomEvent>> publish(RoomAction action) {
        RoomLog log = action instanceof RoomAction.Send
                ? logs.computeIfAbsent(action.room(), name -> new RoomLog(name, historySize)) : logs.get(action.room());
        if (log == null) {
            return CompletableFuture.failedFuture(RoomActionRefused.notFound(((RoomAction.Targeted) action).target()));
        }
        synchronized (log) {
            ServerEvent.RoomEvent event = action instanceof RoomAction.Send send ? log.sentWith(send.from(), send.nonce()) : null;
            if (event == null) {
                try {
                    event = log.apply(action, clock.getAsLong());
                } catch (RoomActionRefused refused) {
                    return CompletableFuture.failedFuture(refused);
                }
                if (event != null) {
                    listener.onMessage(event);
                }
            }
            return CompletableFuture.completedFuture(Optional.ofNullable(event));
        }
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
        return CompletableFuture.completedFuture(listener.onDirect(dm, BrokerListener.EVERY_SESSION));
    }

    @Override
    public CompletableFuture<Void> toUser(String nick, String exceptSession, ServerEvent event) {
        listener.onUserEvent(nick, exceptSession, event);
        return DONE;
    }

    @Override
    public CompletableFuture<Boolean> disconnect(String nick) {
        return CompletableFuture.completedFuture(listener.onDisconnect(nick));
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
            if (inEpoch && !tooMany && since.offset() >= log.oldest() - 1) {
                return CompletableFuture.completedFuture(
                        new Recovery(epoch, offset, true, log.range(since.offset() + 1, offset + 1), 0));
            }
            List<ServerEvent.Message> messages = log.messagesBefore(offset + 1, latest);
            long missed = tooMany ? (messages.isEmpty() ? offset + 1 : messages.get(0).offset()) - since.offset() - 1 : 0;
            return CompletableFuture.completedFuture(new Recovery(epoch, offset, false, messages, missed));
        }
    }

    @Override
    public CompletableFuture<HistorySlice> history(String room, HistoryQuery query) {
        RoomLog log = logs.get(room);
        if (log == null) {
            return CompletableFuture.completedFuture(new HistorySlice(epoch, List.of()));
        }
        synchronized (log) {
            long before = Math.min(query.before() == null ? Long.MAX_VALUE : query.before(), log.offset() + 1);
            long after = query.after() == null ? 0 : Math.min(query.after(), log.offset());
            List<? extends ServerEvent.RoomEvent> events;
            if (query.allEvents()) {
                events = query.after() != null ? log.range(after + 1, after + 1 + query.limit())
                        : log.range(before - query.limit(), before);
            } else {
                events = query.after() != null ? log.messagesAfter(after, query.limit())
                        : log.messagesBefore(before, query.limit());
            }
            return CompletableFuture.completedFuture(new HistorySlice(epoch, events));
        }
    }

    /** What {@code welcome.features} offers on a node alone: the message state and read state this broker keeps. */
    @Override
    public Set<String> features() {
        return FEATURES;
    }

    @Override
    public CompletableFuture<OptionalLong> markRead(String user, String room, long offset) {
        long marker = Math.min(offset, latest(room));
        boolean[] moved = new boolean[1];
        markers.compute(markerKey(user, room), (key, current) -> {
            moved[0] = current == null || marker > current;
            return moved[0] ? marker : current;
        });
        return CompletableFuture.completedFuture(moved[0] ? OptionalLong.of(marker) : OptionalLong.empty());
    }

    @Override
    public CompletableFuture<List<ServerEvent.UnreadRoom>> unread(String user) {
        String first = markerKey(user, "");
        List<ServerEvent.UnreadRoom> rooms = new ArrayList<>();
        // '!' follows the key's space: the range holds this user's markers and no other's.
        markers.subMap(first, user + '!').forEach((key, marker) -> {
            String room = key.substring(first.length());
            RoomLog log = logs.get(room);
            UnreadIndex.Counts counts = new UnreadIndex.Counts(0, 0);
            if (log != null) {
                synchronized (log) {
                    counts = log.unreadAfter(user, marker);
                }
            }
            rooms.add(new ServerEvent.UnreadRoom(room, marker, counts.unread(), counts.mentions()));
        });
        return CompletableFuture.completedFuture(rooms);
    }

    @Override
    public CompletableFuture<Void> forget(String user, String room) {
        markers.remove(markerKey(user, room));
        return DONE;
    }

    /** The room's latest offset; 0 before its first message. */
    private long latest(String room) {
        RoomLog log = logs.get(room);
        if (log == null) {
            return 0;
        }
        synchronized (log) {
            return log.offset();
        }
    }

    private static String markerKey(String user, String room) {
        return user + ' ' + room;
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
        markers.clear();
    }
}
