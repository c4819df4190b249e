package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.List;

/**
 * Part of a room's kept history, oldest first, in the history named by {@code epoch}: messages
 * with their state, or room events as sent, as the {@link HistoryQuery} asked.
 */
public record HistorySlice(String epoch, List<? extends ServerEvent.RoomEvent> messages) {
    public HistorySlice {
        messages = List.copyOf(messages);
    }
}
