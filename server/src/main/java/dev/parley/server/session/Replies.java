package dev.parley.server.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.backend.UnavailableException;
import dev.parley.server.broker.RoomActionRefused;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a session answers its commands: at once, or once what the command asked of the node is done,
 * back on the session's event loop. A failure of the node becomes the error a broker refused a room
 * action with, an {@code unavailable} error when a backend was out of reach, an {@code internal} one
 * otherwise. A client that breaks a rule is
 * closed. Stateless: each takes the session it answers for. Event loop only.
 */
final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
    private static final Runnable NOTHING = () -> { };

    private Replies() {
    }

    /** Sends {@code event} now. */
    static void send(Session session, ServerEvent event) {
        session.transport().send(event);
    }

    /** Closes the connection with {@code code}, for a client that broke a rule; the first close wins. */
    static void close(Session session, CloseCode code, String why) {
        LOG.debug("{} closed: {}", session, why);
        session.transport().close(code);
    }

    /** Answers the command {@code id} with an error. */
    static void fail(Session session, RequestId id, ErrorCode code, String message) {
        session.reject(new ServerEvent.Error(id, code, message));
    }

    /** Sends the reply {@code toEvent} makes of the result, on the session's loop, unless the session has ended. */
    static <T> void reply(Session session, RequestId id, CompletableFuture<T> result, Function<T, ServerEvent> toEvent) {
        whenDone(session, result, id, NOTHING, value -> {
            if (!session.hasEnded()) {
                send(session, toEvent.apply(value));
            }
        });
    }

    /** As {@link #whenDone(Session, CompletableFuture, RequestId, Runnable, Consumer)}, with nothing to undo. */
    static <T> void whenDone(Session session, CompletableFuture<T> result, RequestId id, Consumer<T> action) {
        whenDone(session, result, id, NOTHING, action);
    }

    /**
     * Runs {@code action} on the session's loop once {@code result} is done: at once when it is
     * done already (as it is with the in-memory broker), so that a reply precedes the deliveries the
     * command caused. A failure runs {@code undo} instead and is answered as an error.
     */
    static <T> void whenDone(Session session, CompletableFuture<T> result, RequestId id, Runnable undo,
                             Consumer<T> action) {
        EventExecutor loop = session.executor();
        if (result.isDone() && loop.inEventLoop()) {
            complete(session, result, id, undo, action);
        } else {
            result.whenComplete((value, failure) -> loop.execute(() -> complete(session, result, id, undo, action)));
        }
    }

    private static <T> void complete(Session session, CompletableFuture<T> result, RequestId id, Runnable undo,
                                     Consumer<T> action) {
        T value;
        try {
            value = result.join();
        } catch (CompletionException | CancellationException e) {
            undo.run();
            if (e.getCause() instanceof RoomActionRefused refused) {
                fail(session, id, refused.code(), refused.getMessage());
            } else if (e.getCause() instanceof UnavailableException unavailable) {
                LOG.debug("session {}: {}", session.id(), unavailable.getMessage());
                fail(session, id, ErrorCode.UNAVAILABLE, "the service is temporarily unavailable; nothing was done, retry later");
            } else {
                LOG.warn("session {}: a request failed", session.id(), e);
                fail(session, id, ErrorCode.INTERNAL, "internal error");
            }
            return;
        }
        action.accept(value);
    }
}
