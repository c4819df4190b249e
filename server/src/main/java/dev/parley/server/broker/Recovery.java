package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.List;

/**
 * A room's state for a joining member: the history {@code epoch}, the latest {@code offset}, and
 * the {@code messages} to send. {@code recovered} is true when they are every room event after the
 * member's {@code since} (the log: as sent, deleted text gone), false when they are merely the
 * latest messages, each with its current state. {@code missed} is 0 unless
 * the member's {@code since} was still in this epoch's history but more than the recovery's
 * maximum were missed: then it counts the room events after {@code since} and before the first of
 * {@code messages}, which the member can fetch with {@code history} {@code after}.
 */
public record Recovery(String epoch, long offset, boolean recovered, List<? extends ServerEvent.RoomEvent> messages, long missed) {
    public Recovery {
        messages = List.copyOf(messages);
    }
}
