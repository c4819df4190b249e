package dev.parley.server.session;

import dev.parley.protocol.Command;

/**
 * The commands a ready session handles, each with its handler: a new command is a handler and
 * one line here. {@code hello} is not among them: it is the session's state machine's own.
 */
final class Commands {
    static final CommandTable TABLE = new CommandTable()
            .on(Command.Join.class, RoomCommands::join)
            .on(Command.Leave.class, RoomCommands::leave)
            .on(Command.Typing.class, RoomCommands::typing)
            .on(Command.Send.class, MessageCommands::send)
            .on(Command.SendDm.class, MessageCommands::direct)
            .on(Command.Edit.class, RoomEventCommands::edit)
            .on(Command.Delete.class, RoomEventCommands::delete)
            .on(Command.React.class, RoomEventCommands::react)
            .on(Command.Who.class, QueryCommands::who)
            .on(Command.ListRooms.class, QueryCommands::rooms)
            .on(Command.FetchHistory.class, QueryCommands::history)
            .on(Command.Search.class, SearchCommands::search)
            .on(Command.Read.class, ReadCommands::read)
            .on(Command.Unread.class, ReadCommands::unread)
            .on(Command.Ping.class, ConnectionCommands::ping)
            .on(Command.Refresh.class, ConnectionCommands::refresh);

    private Commands() {
    }
}
