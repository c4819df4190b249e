package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.function.Predicate;

/**
 * Receives what the {@link Broker} routes to this node. Calls for one room come one at a time and
 * in the room's order, so an implementation must hand the work off quickly and never block.
 */
public interface BrokerListener {
    /** For {@link #onDirect}: a direct message for every session of its recipient here. */
    Predicate<String> EVERY_SESSION = session -> true;

    /** The nick a {@code presence} or {@code typing} event is about, whose own session is not sent it. */
    static String aboutNick(ServerEvent event) {
        return event instanceof ServerEvent.Presence p ? p.nick() : event instanceof ServerEvent.Typing t ? t.nick() : null;
    }

    /** A room event of the log: a message, or an edit, delete or reaction of one. */
    void onMessage(ServerEvent.RoomEvent event);

    /** A {@code presence} or {@code typing} event of {@code room}. */
    void onRoomEvent(String room, String aboutNick, ServerEvent event);

    /**
     * The room's messages went on past what this node can deliver in order: its history was lost
     * (a new epoch) or a gap was trimmed from it. Every local member of the room must recover.
     */
    void onRoomLost(String room);

    /** Delivers {@code event} to every local session of {@code nick} but {@code exceptSession}. */
    void onUserEvent(String nick, String exceptSession, ServerEvent event);

    /** Closes every local session of {@code nick} with 1008; returns whether it had any. */
    boolean onDisconnect(String nick);

    /**
     * Delivers a direct message to the local sessions of its recipient that {@code toSessions}
     * accepts (by session id); returns whether one got it.
     */
    boolean onDirect(ServerEvent.Dm dm, Predicate<String> toSessions);
}
