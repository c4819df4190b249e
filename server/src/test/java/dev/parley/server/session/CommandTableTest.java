package dev.parley.server.session;

import dev.parley.protocol.Command;
import dev.parley.protocol.RequestId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandTableTest {

    @Test
    void dispatchesByTheCommandsTypeAndSaysWhenNoHandlerIsRegistered() {
        List<Command> handled = new ArrayList<>();
        CommandTable table = new CommandTable().on(Command.Ping.class, (context, ping) -> handled.add(ping));
        Command.Ping ping = new Command.Ping(RequestId.of(1));
        assertThat(table.dispatch(null, ping)).isTrue();
        assertThat(table.dispatch(null, new Command.ListRooms(RequestId.of(2)))).isFalse();
        assertThat(handled).containsExactly(ping);
    }

    @Test
    void aTypeHasOneHandler() {
        CommandTable table = new CommandTable().on(Command.Ping.class, (context, ping) -> { });
        assertThatThrownBy(() -> table.on(Command.Ping.class, (context, ping) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyCommandButHelloHasAHandler() {
        List<Class<?>> unhandled = Arrays.stream(Command.class.getPermittedSubclasses())
                .filter(type -> !Commands.TABLE.handles(type.asSubclass(Command.class))).toList();
        assertThat(unhandled).containsExactly(Command.Hello.class);
    }
}
