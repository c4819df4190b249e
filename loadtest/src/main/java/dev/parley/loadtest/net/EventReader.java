package dev.parley.loadtest.net;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.parley.protocol.FrameBytes;
import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.RequestId;
import dev.parley.protocol.ServerEvent;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads server events for the harness. The events a load test sees by the hundred thousand
 * ({@code message}, {@code ack}, {@code pong}, {@code presence}) are read with Jackson's streaming
 * parser straight into their {@link ServerEvent} records; every other type goes through
 * {@link ParleyJson#readEvent(String)}. Both are lenient in the same way: fields in any order,
 * unknown fields skipped, {@code null} for an unknown type.
 */
public final class EventReader {
    private static final JsonFactory FACTORY = ParleyJson.mapper().getFactory();

    private EventReader() {
    }

    /**
     * Reads one event from a frame's UTF-8 JSON where it lies ({@link FrameBytes}); borrows the buffer.
     *
     * @throws IOException when the bytes are not one well-formed event
     */
    public static ServerEvent read(ByteBuf content) throws IOException {
        return FrameBytes.parse(content.nioBuffer(), EventReader::read);
    }

    /**
     * Reads one event from the UTF-8 JSON in {@code json[offset .. offset + length)}.
     *
     * @throws IOException when the bytes are not one well-formed event
     */
    public static ServerEvent read(byte[] json, int offset, int length) throws IOException {
        Fields f = new Fields();
        try (JsonParser parser = FACTORY.createParser(json, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                f.take(name, value, parser);
            }
        }
        if (f.type == null) {
            throw new IOException("event without a type");
        }
        return switch (f.type) {
            case "message" -> new ServerEvent.Message(f.room, f.offset, f.ts, f.from, f.text);
            case "ack" -> new ServerEvent.Ack(f.id, f.room, f.hasOffset ? f.offset : null, f.ts);
            case "pong" -> new ServerEvent.Pong(f.id, f.ts);
            case "presence" -> new ServerEvent.Presence(f.room, presenceKind(f.event), f.nick, f.ts);
            default -> ParleyJson.readEvent(new String(json, offset, length, StandardCharsets.UTF_8));
        };
    }

    private static ServerEvent.PresenceKind presenceKind(String event) {
        if ("join".equals(event)) {
            return ServerEvent.PresenceKind.JOIN;
        }
        return "leave".equals(event) ? ServerEvent.PresenceKind.LEAVE : null;
    }

    /** The scalar fields of the fast-path events. */
    private static final class Fields {
        String type;
        RequestId id;
        String room;
        long offset;
        boolean hasOffset;
        long ts;
        String from;
        String text;
        String nick;
        String event;

        void take(String name, JsonToken value, JsonParser parser) throws IOException {
            switch (name) {
                case "type" -> type = parser.getValueAsString();
                case "id" -> id = value == JsonToken.VALUE_NUMBER_INT ? RequestId.of(parser.getLongValue())
                        : value == JsonToken.VALUE_STRING ? RequestId.of(parser.getText()) : null;
                case "room" -> room = parser.getValueAsString();
                case "offset" -> {
                    hasOffset = value == JsonToken.VALUE_NUMBER_INT;
                    offset = hasOffset ? parser.getLongValue() : 0;
                }
                case "ts" -> ts = parser.getValueAsLong();
                case "from" -> from = parser.getValueAsString();
                case "text" -> text = parser.getValueAsString();
                case "nick" -> nick = parser.getValueAsString();
                case "event" -> event = parser.getValueAsString();
                default -> {
                    // unknown or slow-path field: ignored here, read by ParleyJson for other types
                }
            }
        }
    }
}
