package dev.parley.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the values that cross the wire by the hundred thousand ({@code message} without
 * reactions, {@code ack}, {@code edit}, {@code delete}, {@code reaction}, and the command
 * {@code send}) field by field, the bytes exactly those of {@link ParleyJson}'s generic writer:
 * the same field order, {@code null} left out, the same escapes. Jackson's writer costs a
 * serializer provider and a generator per value, several times the writing itself.
 */
final class HotJson {
    private static final byte[] MESSAGE = head("message");
    private static final byte[] ACK = head("ack");
    private static final byte[] EDIT = head("edit");
    private static final byte[] DELETE = head("delete");
    private static final byte[] REACTION = head("reaction");
    private static final byte[] SEND = head("send");
    private static final byte[] ID = field("id");
    private static final byte[] ROOM = field("room");
    private static final byte[] OFFSET = field("offset");
    private static final byte[] TARGET = field("target");
    private static final byte[] TS = field("ts");
    private static final byte[] FROM = field("from");
    private static final byte[] TEXT = field("text");
    private static final byte[] REPLY_TO = field("replyTo");
    private static final byte[] EDITED = field("edited");
    private static final byte[] DELETED = field("deleted");
    private static final byte[] MENTIONS = field("mentions");
    private static final byte[] EMOJI = field("emoji");
    private static final byte[] ON = field("on");
    private static final byte[] NONCE = field("nonce");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    private HotJson() {
    }

    /** Writes {@code value} and returns true, or returns false, writing nothing, for a value it does not cover. */
    static boolean write(Object value, JsonBytes out) {
        if (value instanceof ServerEvent.Message m && m.reactions() == null) {
            message(m, out);
        } else if (value instanceof ServerEvent.Ack a) {
            out.write(ACK, 0, ACK.length);
            id(a.id(), out);
            string(ROOM, a.room(), out);
            number(OFFSET, a.offset(), out);
            number(TS, a.ts(), out);
        } else if (value instanceof ServerEvent.Edit e) {
            roomEvent(EDIT, e.room(), e.offset(), e.target(), e.from(), out);
            string(TEXT, e.text(), out);
            number(TS, e.ts(), out);
            mentions(e.text(), out);
        } else if (value instanceof ServerEvent.Delete d) {
            roomEvent(DELETE, d.room(), d.offset(), d.target(), d.from(), out);
            number(TS, d.ts(), out);
        } else if (value instanceof ServerEvent.Reaction r) {
            roomEvent(REACTION, r.room(), r.offset(), r.target(), r.from(), out);
            string(EMOJI, r.emoji(), out);
            bool(ON, r.on(), out);
            number(TS, r.ts(), out);
        } else if (value instanceof Command.Send s) {
            out.write(SEND, 0, SEND.length);
            id(s.id(), out);
            string(ROOM, s.room(), out);
            string(TEXT, s.text(), out);
            string(NONCE, s.nonce(), out);
            number(REPLY_TO, s.replyTo(), out);
        } else {
            return false;
        }
        out.write('}');
        return true;
    }

    private static void message(ServerEvent.Message m, JsonBytes out) {
        out.write(MESSAGE, 0, MESSAGE.length);
        string(ROOM, m.room(), out);
        number(OFFSET, m.offset(), out);
        number(TS, m.ts(), out);
        string(FROM, m.from(), out);
        string(TEXT, m.text(), out);
        number(REPLY_TO, m.replyTo(), out);
        number(EDITED, m.edited(), out);
        if (m.deleted() != null) {
            bool(DELETED, m.deleted(), out);
        }
        mentions(m.text(), out);
    }

    private static void roomEvent(byte[] head, String room, long offset, long target, String from, JsonBytes out) {
        out.write(head, 0, head.length);
        string(ROOM, room, out);
        number(OFFSET, offset, out);
        number(TARGET, target, out);
        string(FROM, from, out);
    }

    /** Who {@code text} mentions, left out when nobody (the records' {@code mentions()}). */
    private static void mentions(String text, JsonBytes out) {
        List<String> nicks = Mentions.in(text);
        if (nicks.isEmpty()) {
            return;
        }
        out.write(MENTIONS, 0, MENTIONS.length);
        out.write('[');
        for (int i = 0; i < nicks.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.string(nicks.get(i));
        }
        out.write(']');
    }

    private static void id(RequestId id, JsonBytes out) {
        if (id == null) {
            return;
        }
        if (id.value() instanceof Long number) {
            number(ID, number, out);
        } else {
            string(ID, (String) id.value(), out);
        }
    }

    private static void string(byte[] field, String value, JsonBytes out) {
        if (value != null) {
            out.write(field, 0, field.length);
            out.string(value);
        }
    }

    private static void number(byte[] field, Long value, JsonBytes out) {
        if (value != null) {
            number(field, value.longValue(), out);
        }
    }

    private static void number(byte[] field, long value, JsonBytes out) {
        out.write(field, 0, field.length);
        out.number(value);
    }

    private static void bool(byte[] field, boolean value, JsonBytes out) {
        out.write(field, 0, field.length);
        byte[] literal = value ? TRUE : FALSE;
        out.write(literal, 0, literal.length);
    }

    /** {@code {"type":"<type>"}} less its closing brace. */
    private static byte[] head(String type) {
        return ascii("{\"type\":\"" + type + '"');
    }

    /** A field's name with the comma before it and the colon after it. */
    private static byte[] field(String name) {
        return ascii(",\"" + name + "\":");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
