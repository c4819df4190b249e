package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a session answers its commands: at once, or once what the command asked of the node is done,
 * back on the session's event loop. A failure of the node becomes an {@code unavailable} error when
 * a backend was out of reach, an {@code internal} one otherwise. A client that breaks a rule is
 * closed. Event loop only.
 */
final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
    private static final Runnable NOTHING = () -> { };

    private final Session session;
    private final Transport transport;

    Replies(Session session, Transport transport) {
        this.session = session;
        this.transport = transport;
    }

    /** Sends {@code event} now. */
    void send(ServerEvent event) {
        transport.send(event);
    }

    /** Closes the connection with {@code code}, for a client that broke a rule; the first close wins. */
    void close(CloseCode code, String why) {
        LOG.debug("{} closed: {}", session, why);
        transport.close(code);
    }

    /** Answers the command {@code id} with an error. */
    void fail(RequestId id, ErrorCode code, String message) {
        session.reject(new ServerEvent.Error(id, code, message));
    }

    /** Sends the reply {@code toEvent} makes of the result, on the session's loop, unless the session has ended. */
    <T> void reply(RequestId id, CompletableFuture<T> result, Function<T, ServerEvent> toEvent) {
        whenDone(result, id, NOTHING, value -> {
            if (!session.hasEnded()) {
                transport.send(toEvent.apply(value));
            }
        });
    }

    /** As {@link #whenDone(CompletableFuture, RequestId, Runnable, Consumer)}, with nothing to undo. */
    <T> void whenDone(CompletableFuture<T> result, RequestId id, Consumer<T> action) {
        whenDone(result, id, NOTHING, action);
    }

    /**
     * Runs {@code action} on the session's loop once {@code result} is done: at once when it is
     * done already (as it is with the in-memory broker), so that a reply precedes the deliveries the
     * command caused. A failure runs {@code undo} instead and is answered as an error.
     */
    <T> void whenDone(CompletableFuture<T> result, RequestId id, Runnable undo, Consumer<T> action) {
        if (result.isDone() && transport.executor().inEventLoop()) {
            complete(result, id, undo, action);
        } else {
            result.whenComplete((value, failure) -> transport.executor().execute(() -> complete(result, id, undo, action)));
        }
    }

    private <T> void complete(CompletableFuture<T> result, RequestId id, Runnable undo, Consumer<T> action) {
        T value;
        try {
            value = result.join();
        } catch (CompletionException | CancellationException e) {
            undo.run();
            if (e.getCause() instanceof UnavailableException unavailable) {
                LOG.debug("session {}: {}", session.id(), unavailable.getMessage());
                fail(id, ErrorCode.UNAVAILABLE, "the service is temporarily unavailable; nothing was done, retry later");
            } else {
                LOG.warn("session {}: a request failed", session.id(), e);
                fail(id, ErrorCode.INTERNAL, "internal error");
            }
            return;
        }
        action.accept(value);
    }
}
