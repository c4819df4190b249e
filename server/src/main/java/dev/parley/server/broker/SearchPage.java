package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.List;

/** Messages that match a search, newest first; {@code next} is the {@code before} of the next page, or null. */
public record SearchPage(List<ServerEvent.Message> messages, Long next) {
    public SearchPage {
        messages = List.copyOf(messages);
    }
}
