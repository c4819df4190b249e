package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Transport} that records what a session sends and how it closes, for tests without sockets. */
final class RecordingTransport implements Transport {
    private final EventExecutor executor;
    final List<ServerEvent> sent = new CopyOnWriteArrayList<>();
    final List<CloseCode> closes = new CopyOnWriteArrayList<>();

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
    public void send(ByteBuf payload) {
        try {
            sent.add(ParleyJson.readEvent(payload.toString(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            payload.release();
        }
    }

    @Override
    public void close(CloseCode code) {
        closes.add(code);
    }

    <T extends ServerEvent> List<T> sent(Class<T> type) {
        return sent.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
