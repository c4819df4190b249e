package dev.parley.server.broker;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One room's offsets and its last {@code capacity} messages, in a ring, with the nonces their
 * senders gave them: a nonce is known while its message is kept. Not thread-safe: the owner holds
 * the log's monitor around every call, so offsets are assigned and delivered in one order.
 */
final class RoomLog {
    private final String room;
    private final ServerEvent.Message[] ring;
    /** The {@link #nonceKey} of the message in the same slot of {@link #ring}, or null. */
    private final String[] nonceKeys;
    private final Map<String, ServerEvent.Message> byNonce = new HashMap<>();
    private long offset;

    RoomLog(String room, int capacity) {
        this.room = room;
        this.ring = new ServerEvent.Message[capacity];
        this.nonceKeys = new String[capacity];
    }

    long offset() {
        return offset;
    }

    /** The offset of the oldest kept message; {@code offset() + 1} when none is kept. */
    long oldest() {
        return Math.max(1, offset - ring.length + 1);
    }

    /** The kept message that {@code from} sent with {@code nonce}, or null. */
    ServerEvent.Message sentWith(String from, String nonce) {
        return nonce == null ? null : byNonce.get(nonceKey(from, nonce));
    }

    /** Appends a message; a {@code nonce} (nullable) is known until the message leaves the ring. */
    ServerEvent.Message append(String from, String text, long ts, String nonce) {
        ServerEvent.Message message = new ServerEvent.Message(room, ++offset, ts, from, text);
        if (ring.length > 0) {
            int slot = (int) (offset % ring.length);
            if (nonceKeys[slot] != null) {
                byNonce.remove(nonceKeys[slot]);
            }
            ring[slot] = message;
            nonceKeys[slot] = nonce == null ? null : nonceKey(from, nonce);
            if (nonce != null) {
                byNonce.put(nonceKeys[slot], message);
            }
        }
        return message;
    }

    /** Nicks are one user's whatever their case, and hold no space, so this names one user's nonce. */
    private static String nonceKey(String from, String nonce) {
        return Names.nickKey(from) + ' ' + nonce;
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
