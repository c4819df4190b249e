package dev.parley.client;

import dev.parley.protocol.ServerEvent;

/**
 * Receives what happens on a {@link ParleyClient}: the server's pushes and the connection's
 * lifecycle. Every method has an empty default; implement the ones you need.
 *
 * <h2>Thread</h2>
 * Every call arrives on the client's own event thread, named {@code parley-client-<nick>-events},
 * one call at a time, in the order the server sent the events. The same thread completes the
 * client's request futures, so a reply and the events around it are seen in wire order. The socket
 * is read on another thread, which never waits for a listener: a slow listener delays only later
 * events. Do not block this thread on a request of the same client ({@code client.send(..).join()}
 * inside a callback would wait forever); chain with {@code thenAccept} instead. An exception thrown
 * here is logged and does not stop delivery.
 *
 * <h2>Connection lifecycle</h2>
 * <ol>
 *   <li>{@link #onConnected onConnected(welcome, false)} once the first connection is welcomed,
 *       just before {@link ParleyClient#connect} completes.</li>
 *   <li>When the connection is lost: {@link #onDisconnected}, then reconnect attempts with backoff.
 *       Each successful one says {@code hello} with the resume secret, re-joins every room with
 *       {@code since}, delivers what was missed, in order, through {@link #onMessage} and the other
 *       room events (and
 *       {@link #onGap} first where the server could not recover everything), and ends with
 *       {@link #onConnected onConnected(welcome, true)}.</li>
 *   <li>{@link #onClosed} exactly once, last: after {@link ParleyClient#close()}, when the server
 *       ends the session for good (closes 4009 or 1008), when the first connection fails, or when
 *       reconnecting gives up. Nothing is delivered after it.</li>
 * </ol>
 *
 * <h2>Room events</h2>
 * {@link #onMessage}, {@link #onEdit}, {@link #onDelete} and {@link #onReaction} receive every room
 * event of the rooms the client is in, each exactly once and in offset order (one order across the
 * four types), from the moment the {@code join} request completes (the messages the {@code joined}
 * reply carries are history and are not repeated here), across reconnects, until {@code leave}.
 * {@link RoomMessages} applies them to the messages an application shows.
 */
public interface ParleyListener {

    /** A message in a room the client is in. */
    default void onMessage(ServerEvent.Message message) {
    }

    /** A message was edited in a room the client is in (version 1.2): {@code edit.target()} has a new text. */
    default void onEdit(ServerEvent.Edit edit) {
    }

    /** A message was deleted in a room the client is in (version 1.2): {@code delete.target()}'s text is gone. */
    default void onDelete(ServerEvent.Delete delete) {
    }

    /** Someone put an emoji on a message of a room the client is in, or took it off (version 1.2). */
    default void onReaction(ServerEvent.Reaction reaction) {
    }

    /**
     * Another session of this user moved its read marker in a room forward (version 1.2, servers that
     * offer {@code "read"}); the client's own {@link ParleyClient#markRead} is not echoed here.
     */
    default void onRead(ServerEvent.Read read) {
    }

    /**
     * The server put the client in a room it had not joined: the application's connect hook
     * answered {@code join}. The room is then tracked as if {@link ParleyClient#join} had joined it
     * (its room events follow, a reconnect re-joins it {@code since} what was seen); the messages
     * {@code joined} carries are history. Not called again when a reconnect's hook joins a room the
     * client is in already.
     */
    default void onJoined(ServerEvent.Joined joined) {
    }

    /** Someone joined or left a room the client is in. */
    default void onPresence(ServerEvent.Presence presence) {
    }

    /**
     * How many members a room the client is in has. Rooms with more members than the server's
     * {@code presenceLimit} send this, at most once a second while the count changes, instead of
     * {@link #onPresence} for each join and leave.
     */
    default void onOccupancy(ServerEvent.Occupancy occupancy) {
    }

    /** Someone is typing in a room the client is in. */
    default void onTyping(ServerEvent.Typing typing) {
    }

    /** A direct message to this client. */
    default void onDm(ServerEvent.Dm dm) {
    }

    /**
     * After a reconnect some messages of a room could not be recovered; the messages delivered
     * next are the ones after the gap.
     */
    default void onGap(Gap gap) {
    }

    /**
     * The client is connected and ready: the server welcomed it and, after a reconnect, every room
     * has been re-joined. {@code reconnected} is false for the first connection only.
     */
    default void onConnected(ServerEvent.Welcome welcome, boolean reconnected) {
    }

    /** The connection was lost; the client is reconnecting (state {@link ConnectionState#RECONNECTING}). */
    default void onDisconnected(Disconnect disconnect) {
    }

    /**
     * The client has closed for good; the last call this listener gets.
     *
     * @param cause {@code null} after {@link ParleyClient#close()}; otherwise why: a
     *              {@link ParleyConnectionException} or a {@link ParleyException}
     */
    default void onClosed(Throwable cause) {
    }
}
