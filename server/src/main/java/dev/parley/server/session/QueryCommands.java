package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.HistoryQuery;
import dev.parley.server.store.DirectMessages;

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
        int limit = history.limit() == null ? Command.FetchHistory.DEFAULT_LIMIT : history.limit();
        if (history.with() != null) {
            conversation(session, history, limit);
        } else if (Checks.validRoom(session, history.id(), history.room())) {
            Replies.reply(session, history.id(), session.node().history(history.room(),
                            new HistoryQuery(history.before(), history.after(), limit, history.wantsAllEvents())),
                    slice -> ServerEvent.History.ofRoom(history.id(), history.room(), slice.epoch(), slice.messages()));
        }
    }

    /** {@code history} {@code with} a user: the session's user's conversation with that user, where direct messages are stored. */
    private static void conversation(Session session, Command.FetchHistory history, int limit) {
        DirectMessages stored = session.node().directMessages();
        if (stored == null) {
            Replies.fail(session, history.id(), ErrorCode.UNSUPPORTED,
                    "this server does not store direct messages (it needs durable history and auth)");
        } else if (!Names.isValidNick(history.with())) {
            Replies.fail(session, history.id(), ErrorCode.NO_SUCH_USER, "'" + history.with() + "' is not a nick");
        } else {
            Replies.reply(session, history.id(), stored.page(session.nick(), history.with(), history.before(),
                    history.after(), limit), dms -> ServerEvent.History.withUser(history.id(), history.with(), dms));
        }
    }
}
