package dev.parley.server.broker;

import dev.parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * One room's offsets and its last {@code capacity} messages, in a ring. Not thread-safe: the owner
 * holds the log's monitor around every call, so offsets are assigned and delivered in one order.
 */
final class RoomLog {
    private final String room;
    private final ServerEvent.Message[] ring;
    private long offset;

    RoomLog(String room, int capacity) {
        this.room = room;
        this.ring = new ServerEvent.Message[capacity];
    }

    long offset() {
        return offset;
    }

    /** The offset of the oldest kept message; {@code offset() + 1} when none is kept. */
    long oldest() {
        return Math.max(1, offset - ring.length + 1);
    }

    ServerEvent.Message append(String from, String text, long ts) {
        ServerEvent.Message message = new ServerEvent.Message(room, ++offset, ts, from, text);
        if (ring.length > 0) {
            ring[(int) (offset % ring.length)] = message;
        }
        return message;
    }

    /** Kept messages with {@code from <= offset < to}, oldest first. */
    List<ServerEvent.Message> range(long from, long to) {
        long start = Math.max(from, oldest());
        long end = Math.min(to, offset + 1);
        List<ServerEvent.Message> messages = new ArrayList<>((int) Math.max(0, end - start));
        for (long o = start; o < end; o++) {
            messages.add(ring[(int) (o % ring.length)]);
        }
        return messages;
    }
}
