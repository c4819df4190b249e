package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.codec.EncodedEvent;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Transport} that records what a session sends and how it closes, for tests without sockets. */
final class RecordingTransport implements Transport {
    private final EventExecutor executor;
    final List<ServerEvent> sent = new CopyOnWriteArrayList<>();
    final List<CloseCode> closes = new CopyOnWriteArrayList<>();
    volatile int flushes;

    RecordingTransport(EventExecutor executor) {
        this.executor = executor;
    }

    @Override
    public EventExecutor executor() {
        return executor;
    }

    @Override
    public void send(ServerEvent event) {
        sent.add(event);
    }

    @Override
    public CompletableFuture<Boolean> sendConfirmed(List<ServerEvent> events) {
        sent.addAll(events);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public void write(EncodedEvent event) {
        try {
            sent.add(ParleyJson.readEvent(event.json().toString(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void close(CloseCode code) {
        closes.add(code);
    }

    <T extends ServerEvent> List<T> sent(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
