package dev.parley.client;

import dev.parley.protocol.ServerEvent;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A listener that records every call, in order, with the thread it came on, for tests to wait on and inspect. */
final class Recorder implements ParleyListener {
    record Connected(ServerEvent.Welcome welcome, boolean reconnected) {
    }

    record Closed(Throwable cause) {
    }

    final List<Object> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();

    private void record(Object event) {
        threads.add(Thread.currentThread().getName());
        events.add(event);
    }

    <T> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    List<ServerEvent.Message> messages() {
        return of(ServerEvent.Message.class);
    }

    /** The texts of the messages received in {@code room}, in order. */
    List<String> texts(String room) {
        return messages().stream().filter(m -> m.room().equals(room)).map(ServerEvent.Message::text)
                .collect(Collectors.toList());
    }

    @Override
    public void onMessage(ServerEvent.Message message) {
        record(message);
    }

    /** The room events received in {@code room}, of every type, in order. */
    List<ServerEvent.RoomEvent> roomEvents(String room) {
        return of(ServerEvent.RoomEvent.class).stream().filter(e -> e.room().equals(room)).collect(Collectors.toList());
    }

    @Override
    public void onEdit(ServerEvent.Edit edit) {
        record(edit);
    }

    @Override
    public void onDelete(ServerEvent.Delete delete) {
        record(delete);
    }

    @Override
    public void onReaction(ServerEvent.Reaction reaction) {
        record(reaction);
    }

    @Override
    public void onRead(ServerEvent.Read read) {
        record(read);
    }

    @Override
    public void onJoined(ServerEvent.Joined joined) {
        record(joined);
    }

    @Override
    public void onPresence(ServerEvent.Presence presence) {
        record(presence);
    }

    @Override
    public void onOccupancy(ServerEvent.Occupancy occupancy) {
        record(occupancy);
    }

    @Override
    public void onTyping(ServerEvent.Typing typing) {
        record(typing);
    }

    @Override
    public void onDm(ServerEvent.Dm dm) {
        record(dm);
    }

    @Override
    public void onGap(Gap gap) {
        record(gap);
    }

    @Override
    public void onConnected(ServerEvent.Welcome welcome, boolean reconnected) {
        record(new Connected(welcome, reconnected));
    }

    /** Runs on the event thread right after a disconnect is recorded, while the client reconnects. */
    volatile Runnable whenDisconnected = () -> { };

    @Override
    public void onDisconnected(Disconnect disconnect) {
        record(disconnect);
        whenDisconnected.run();
    }

    @Override
    public void onClosed(Throwable cause) {
        record(new Closed(cause));
        closed.complete(cause);
    }
}
