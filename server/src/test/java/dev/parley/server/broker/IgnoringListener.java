package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.function.Predicate;

/** A node's listener for tests that look at what a broker answers, not at what it delivers. */
public final class IgnoringListener implements BrokerListener {
    @Override
    public void onMessage(ServerEvent.RoomEvent message) {
    }

    @Override
    public void onRoomEvent(String room, String aboutNick, ServerEvent event) {
    }

    @Override
    public void onRoomLost(String room) {
    }

    @Override

    public void onUserEvent(String nick, String exceptSession, ServerEvent event) {

    }


    @Override
    public boolean onDisconnect(String nick) {
        return false;
    }

    @Override
    public boolean onDirect(ServerEvent.Dm dm, Predicate<String> toSessions) {
        return false;
    }
}
