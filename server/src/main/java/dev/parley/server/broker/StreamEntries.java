package dev.parley.server.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Room events from the entries that {@code read.lua} returns ({@code {id, fields, text, state}}):
 * the room's log, each event as it was sent, or its messages with their current state (the state
 * JSON of {@code append.lua}: the last edit's ts, deleted, and every nick of each reaction).
 */
final class StreamEntries {
    private static final ObjectMapper JSON = ParleyJson.mapper();

    private StreamEntries() {
    }

    /** The room events of {@code entries} as the log has them. */
    static List<ServerEvent.RoomEvent> logged(String room, List<?> entries) {
        List<ServerEvent.RoomEvent> events = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            events.add(event(room, (List<?>) entry));
        }
        return events;
    }

    /** The messages of {@code entries} (read in 'state' mode) with their current state. */
    static List<ServerEvent.Message> current(String room, List<?> entries) {
        List<ServerEvent.Message> messages = new ArrayList<>(entries.size());
        for (Object e : entries) {
            List<?> entry = (List<?>) e;
            ServerEvent.Message sent = (ServerEvent.Message) event(room, entry);
            JsonNode state = state(entry);
            if (state.path("deleted").asBoolean()) {
                messages.add(sent.withTextDeleted());
                continue;
            }
            List<ServerEvent.ReactionCount> reactions = new ArrayList<>();
            for (JsonNode reaction : state.path("reactions")) {
                List<String> nicks = new ArrayList<>();
                reaction.path("nicks").forEach(nick -> nicks.add(nick.asText()));
                reactions.add(new ServerEvent.ReactionCount(reaction.path("emoji").asText(), nicks.size(),
                        nicks.subList(0, Math.min(nicks.size(), ServerEvent.ReactionCount.MAX_NICKS))));
            }
            Long edited = state.hasNonNull("edited") ? state.get("edited").asLong() : null;
            messages.add(sent.withState(sent.text(), edited, reactions));
        }
        return messages;
    }

    private static ServerEvent.RoomEvent event(String room, List<?> entry) {
        String id = (String) entry.get(0);
        long offset = Long.parseLong(id.substring(0, id.indexOf('-')));
        Map<String, String> fields = fields((List<?>) entry.get(1));
        String text = (String) entry.get(2);
        long ts = Long.parseLong(fields.get("ts"));
        String from = fields.get("from");
        String kind = fields.get("kind");
        if (kind.equals("message")) {
            String replyTo = fields.get("replyTo");
            ServerEvent.Message sent = new ServerEvent.Message(room, offset, ts, from, text,
                    replyTo == null ? null : Long.valueOf(replyTo), null, null, null);
            return state(entry).path("deleted").asBoolean() ? sent.withTextDeleted() : sent;
        }
        long target = Long.parseLong(fields.get("target"));
        return switch (kind) {
            case "edit" -> new ServerEvent.Edit(room, offset, target, from, text, ts);
            case "delete" -> new ServerEvent.Delete(room, offset, target, from, ts);
            default -> new ServerEvent.Reaction(room, offset, target, from, fields.get("emoji"), "1".equals(fields.get("on")), ts);
        };
    }

    private static Map<String, String> fields(List<?> list) {
        Map<String, String> fields = new HashMap<>(8);
        for (int i = 0; i + 1 < list.size(); i += 2) {
            fields.put((String) list.get(i), (String) list.get(i + 1));
        }
        return fields;
    }

    /** The entry's state JSON; an empty object when it has none. */
    private static JsonNode state(List<?> entry) {
        Object state = entry.size() > 3 ? entry.get(3) : null;
        try {
            return state == null ? JSON.createObjectNode() : JSON.readTree((String) state);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
