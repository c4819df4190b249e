package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;

/** {@code search}: a room's messages by their words, where the node's broker can search; not rate-limited. */
final class SearchCommands {
    /** The feature of {@code welcome.features} that {@code search} needs. */
    static final String FEATURE = "search";

    private SearchCommands() {
    }

    static void search(CommandContext context, Command.Search search) {
        if (!context.node().features().contains(FEATURE)) {
            context.replies().fail(search.id(), ErrorCode.UNSUPPORTED, "this server does not offer search");
            return;
        }
        Checks checks = context.checks();
        if (!checks.validRoom(search.id(), search.room()) || checks.membership(search.id(), search.room()) == null) {
            return;
        }
        int limit = search.limit() == null ? Command.Search.DEFAULT_LIMIT : search.limit();
        context.replies().reply(search.id(), context.node().search(search.room(), search.query(), search.before(), limit),
                page -> new ServerEvent.Results(search.id(), search.room(), page.messages(), page.next()));
    }
}
