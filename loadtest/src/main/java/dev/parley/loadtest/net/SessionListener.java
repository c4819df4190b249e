package dev.parley.loadtest.net;

import dev.parley.protocol.ServerEvent;

/**
 * What a scenario hears from one {@link LoadSession}, on that session's event loop (so a listener
 * may keep per-session state without locks, but must never block).
 *
 * <p>Lifecycle: {@link LoadClient#open} completes once {@code welcome} arrives; from then on every
 * event that is not the reply to a {@link LoadSession#request request} reaches
 * {@link #onEvent}; {@link #onClosed} is called exactly once when the connection ends, whoever
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

    /** The connection ended. */
    default void onClosed(LoadSession session, SessionClose close) {
    }
}
