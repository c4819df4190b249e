package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.codec.EncodedEvent;
import io.netty.util.concurrent.EventExecutor;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A session's connection, as the chat logic sees it: send events, close with a code. The Netty
 * implementation is {@code transport.ChannelTransport}; tests use a recording fake. Called only on
 * {@link #executor()}.
 */
public interface Transport {

    /** The event loop that owns the connection and the session on it. */
    EventExecutor executor();

    /** Encodes and sends one event. Dropped once the connection is closing. */
    void send(ServerEvent event);

    /**
     * Sends {@code events} in order and flushes; completes with whether the connection's socket took
     * them all (false once it is closing or when the write failed).
     */
    CompletableFuture<Boolean> sendConfirmed(List<ServerEvent> events);

    /** Queues one event encoded for many recipients, without flushing; {@code event} is borrowed. Dropped once closing. */
    void write(EncodedEvent event);

    /** Sends what {@link #write} queued. */
    void flush();

    /** Starts the closing handshake with {@code code}; the first call wins, later ones do nothing. */
    void close(CloseCode code);
}
