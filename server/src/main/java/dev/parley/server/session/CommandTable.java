package dev.parley.server.session;

import dev.parley.protocol.Command;

import java.util.HashMap;
import java.util.Map;

/** Command handlers by the command's type. Filled once, then read from every event loop. */
final class CommandTable {
    private final Map<Class<? extends Command>, CommandHandler<?>> handlers = new HashMap<>();

    /** Registers the handler of {@code type}; a type has one handler. */
    <C extends Command> CommandTable on(Class<C> type, CommandHandler<C> handler) {
        if (handlers.putIfAbsent(type, handler) != null) {
            throw new IllegalArgumentException(type.getSimpleName() + " has a handler already");
        }
        return this;
    }

    /** Whether {@code type} has a handler. */
    boolean handles(Class<? extends Command> type) {
        return handlers.containsKey(type);
    }

    /** Hands {@code command} to its handler; false when it has none. */
    boolean dispatch(Session session, Command command) {
        @SuppressWarnings("unchecked")
        CommandHandler<Command> handler = (CommandHandler<Command>) handlers.get(command.getClass());
        if (handler == null) {
            return false;
        }
        handler.handle(session, command);
        return true;
    }
}
