package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.List;

/** Part of a room's kept history, oldest first, in the history named by {@code epoch}. */
public record HistorySlice(String epoch, List<ServerEvent.Message> messages) {
    public HistorySlice {
        messages = List.copyOf(messages);
    }
}
