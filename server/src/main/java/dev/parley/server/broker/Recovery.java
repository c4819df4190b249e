package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.List;

/**
 * A room's state for a joining member: the history {@code epoch}, the latest {@code offset}, and
 * the {@code messages} to send. {@code recovered} is true when they are every message after the
 * member's {@code since}, false when they are merely the latest ones.
 */
public record Recovery(String epoch, long offset, boolean recovered, List<ServerEvent.Message> messages) {
    public Recovery {
        messages = List.copyOf(messages);
    }
}
