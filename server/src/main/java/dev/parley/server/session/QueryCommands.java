package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.HistoryQuery;

/** {@code who}, {@code list_rooms} and {@code history}: questions answered from the node, not rate-limited. */
final class QueryCommands {
    private QueryCommands() {
    }

    static void who(Session session, Command.Who who) {
        if (Checks.validRoom(session, who.id(), who.room())) {
            int limit = who.limit() == null ? Command.Who.MAX_LIMIT : who.limit();
            Replies.reply(session, who.id(), session.node().members(who.room(), who.after(), limit),
                    page -> new ServerEvent.Members(who.id(), who.room(), page.members(), page.next()));
        }
    }

    static void rooms(Session session, Command.ListRooms listRooms) {
        Replies.reply(session, listRooms.id(), session.node().rooms(), rooms -> new ServerEvent.Rooms(listRooms.id(), rooms));
    }

    static void history(Session session, Command.FetchHistory history) {
        if (!Checks.validRoom(session, history.id(), history.room())) {
            return;
        }
        int limit = history.limit() == null ? Command.FetchHistory.DEFAULT_LIMIT : history.limit();
        Replies.reply(session, history.id(), session.node().history(history.room(),
                        new HistoryQuery(history.before(), history.after(), limit)),
                slice -> new ServerEvent.History(history.id(), history.room(), slice.epoch(), slice.messages()));
    }
}
