package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.List;

/**
 * A room's state for a joining member: the history {@code epoch}, the latest {@code offset}, and
 * the {@code messages} to send. {@code recovered} is true when they are every message after the
 * member's {@code since}, false when they are merely the latest ones. {@code missed} is 0 unless
 * the member's {@code since} was still in this epoch's history but more than the recovery's
 * maximum were missed: then it counts the room events after {@code since} and before the first of
 * {@code messages}, which the member can fetch with {@code history} {@code after}.
 */
public record Recovery(String epoch, long offset, boolean recovered, List<ServerEvent.Message> messages, long missed) {
    public Recovery {
        messages = List.copyOf(messages);
    }
}
