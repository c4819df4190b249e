package dev.parley.loadtest.net;

import dev.parley.protocol.ServerEvent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a scenario hears from one {@link LoadSession}, on that session's event loop (so a listener
 * may keep per-session state without locks, but must never block).
 *
 * <p>Lifecycle: {@link LoadClient#open} completes once {@code welcome} arrives; from then on every
 * event that is not the reply to a {@link LoadSession#request request} reaches
 * {@link #onEvent}. When the connection is lost and the session reconnects,
 * {@link #onDisconnected} is called at the loss and {@link #onResumed} once a new connection was
 * welcomed; {@link #onClosed} is called exactly once when the session ends for good, whoever
 * ended it.
 */
public interface SessionListener {
    /** A listener that ignores everything. */
    SessionListener IGNORE = (session, event, receivedNanos) -> { };

    /**
     * An event that is not a request's reply.
     *
     * @param receivedNanos {@link System#nanoTime()} when its frame was taken off the wire
     */
    void onEvent(LoadSession session, ServerEvent event, long receivedNanos);

    /** A frame that is not a readable event (not JSON, not text, no type). */
    default void onUnreadable(LoadSession session, String problem) {
    }

    /** The session ended for good. */
    default void onClosed(LoadSession session, SessionClose close) {
    }

    /**
     * The connection was lost ({@code close}: 1001 from the server, or dropped) and the session
     * is reconnecting; commands sent and not yet answered may or may not have been carried out.
     */
    default void onDisconnected(LoadSession session, SessionClose close) {
    }

    /**
     * A new connection resumed the session ({@code welcome} arrived). The session is usable again,
     * and the reconnect counts as done, when the returned stage completes (after re-joining rooms,
     * say); if it fails, the connection is dropped and the session tries again.
     */
    default CompletionStage<?> onResumed(LoadSession session) {
        return CompletableFuture.completedFuture(null);
    }
}
