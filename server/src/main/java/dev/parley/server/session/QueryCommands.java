package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ServerEvent;
import dev.parley.server.broker.HistoryQuery;

/** {@code who}, {@code list_rooms} and {@code history}: questions answered from the node, not rate-limited. */
final class QueryCommands {
    private QueryCommands() {
    }

    static void who(CommandContext context, Command.Who who) {
        if (context.checks().validRoom(who.id(), who.room())) {
            int limit = who.limit() == null ? Command.Who.MAX_LIMIT : who.limit();
            context.replies().reply(who.id(), context.node().members(who.room(), who.after(), limit),
                    page -> new ServerEvent.Members(who.id(), who.room(), page.members(), page.next()));
        }
    }

    static void rooms(CommandContext context, Command.ListRooms listRooms) {
        context.replies().reply(listRooms.id(), context.node().rooms(), rooms -> new ServerEvent.Rooms(listRooms.id(), rooms));
    }

    static void history(CommandContext context, Command.FetchHistory history) {
        if (!context.checks().validRoom(history.id(), history.room())) {
            return;
        }
        int limit = history.limit() == null ? Command.FetchHistory.DEFAULT_LIMIT : history.limit();
        context.replies().reply(history.id(), context.node().history(history.room(),
                        new HistoryQuery(history.before(), history.after(), limit)),
                slice -> new ServerEvent.History(history.id(), history.room(), slice.epoch(), slice.messages()));
    }
}
