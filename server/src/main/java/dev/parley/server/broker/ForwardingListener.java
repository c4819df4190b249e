package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.function.Predicate;

/** A {@link BrokerListener} that passes everything on to another; a broker over another overrides what it adds. */
class ForwardingListener implements BrokerListener {
    private final BrokerListener next;

    ForwardingListener(BrokerListener next) {
        this.next = next;
    }

    @Override
    public void onMessage(ServerEvent.RoomEvent event) {
        next.onMessage(event);
    }

    @Override
    public void onRoomEvent(String room, String aboutNick, ServerEvent event) {
        next.onRoomEvent(room, aboutNick, event);
    }

    @Override
    public void onRoomLost(String room) {
        next.onRoomLost(room);
    }

    @Override
    public void onUserEvent(String nick, String exceptSession, ServerEvent event) {
        next.onUserEvent(nick, exceptSession, event);
    }

    @Override
    public boolean onDisconnect(String nick) {
        return next.onDisconnect(nick);
    }

    @Override
    public boolean onDirect(ServerEvent.Dm dm, Predicate<String> toSessions) {
        return next.onDirect(dm, toSessions);
    }
}
