package dev.parley.server.broker;

import dev.parley.protocol.Names;
import dev.parley.protocol.ServerEvent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One room's offsets and its last {@code capacity} room events, in a ring, as the log keeps them
 * (a deleted message's text and its edits' texts gone); the {@link MessageState} of each kept
 * message; the nonces their senders gave them: a nonce is known while its message is kept; and
 * the {@link UnreadIndex} of the kept messages, which read state counts on.
 * Not thread-safe: the owner holds the log's monitor around every call, so offsets are assigned
 * and delivered in one order.
 */
final class RoomLog {
    private final String room;
    private final ServerEvent.RoomEvent[] ring;
    /** The {@link #nonceKey} of the message in the same slot of {@link #ring}, or null. */
    private final String[] nonceKeys;
    /** Offsets of kept messages by nonce key. */
    private final Map<String, Long> byNonce = new HashMap<>();
    private final Map<Long, MessageState> states = new HashMap<>();
    private final UnreadIndex unread = new UnreadIndex();
    private long offset;

    RoomLog(String room, int capacity) {
        this.room = room;
        this.ring = new ServerEvent.RoomEvent[capacity];
        this.nonceKeys = new String[capacity];
    }

    long offset() {
        return offset;
    }

    /** The offset of the oldest kept room event; {@code offset() + 1} when none is kept. */
    long oldest() {
        return Math.max(1, offset - ring.length + 1);
    }

    /** The kept message that {@code from} sent with {@code nonce}, or null. */
    ServerEvent.Message sentWith(String from, String nonce) {
        Long sent = nonce == null ? null : byNonce.get(nonceKey(from, nonce));
        return sent == null ? null : (ServerEvent.Message) ring[slot(sent)];
    }

    /**
     * Appends the room event {@code action} makes at {@code ts} and applies it to its target's
     * state; null when it changes nothing (a reaction already on, or off). Refuses as
     * {@link Broker#publish(RoomAction)} says. A send's nonce must have been looked up first.
     */
    ServerEvent.RoomEvent apply(RoomAction action, long ts) {
        if (action instanceof RoomAction.Send send) {
            if (send.replyTo() != null) {
                target(send.replyTo());
            }
            ServerEvent.Message message = new ServerEvent.Message(room, offset + 1, ts, send.from(), send.text(),
                    send.replyTo(), null, null, null);
            append(message, send.nonce() == null ? null : nonceKey(send.from(), send.nonce()));
            if (ring.length > 0) {
                states.put(message.offset(), new MessageState(message));
                unread.added(message.offset(), message.from(), message.text());
            }
            return message;
        }
        if (action instanceof RoomAction.Edit edit) {
            MessageState target = ownTarget(edit.target(), edit.from(), false);
            ServerEvent.Edit event = new ServerEvent.Edit(room, offset + 1, edit.target(), edit.from(), edit.text(), ts);
            // The state changes before the append, which pushes the target out when it is the oldest.
            unread.edited(edit.target(), target.from(), target.text(), edit.text());
            target.edit(event.offset(), edit.text(), ts);
            append(event, null);
            return event;
        }
        if (action instanceof RoomAction.Delete delete) {
            MessageState target = ownTarget(delete.target(), delete.from(), delete.moderator());
            unread.removed(delete.target(), target.from(), target.text());
            // The texts go before the delete takes its place, which may be the oldest message's own.
            for (long edit : target.delete()) {
                ring[slot(edit)] = ((ServerEvent.Edit) ring[slot(edit)]).withTextDeleted();
            }
            ring[slot(delete.target())] = target.logged();
            ServerEvent.Delete event = new ServerEvent.Delete(room, offset + 1, delete.target(), delete.from(), ts);
            append(event, null);
            return event;
        }
        RoomAction.React react = (RoomAction.React) action;
        if (!target(react.target()).react(react.from(), react.emoji(), react.on())) {
            return null;
        }
        ServerEvent.Reaction event = new ServerEvent.Reaction(room, offset + 1, react.target(), react.from(),
                react.emoji(), react.on(), ts);
        append(event, null);
        return event;
    }

    /** The state of the kept, not deleted message at {@code target}, or {@code not_found}. */
    private MessageState target(long target) {
        MessageState state = target >= oldest() ? states.get(target) : null;
        if (state == null || state.deleted()) {
            throw RoomActionRefused.notFound(target);
        }
        return state;
    }

    /** {@link #target}, which must be {@code from}'s own unless {@code moderator}, or {@code forbidden}. */
    private MessageState ownTarget(long target, String from, boolean moderator) {
        MessageState state = target(target);
        if (!moderator && !state.sentBy(from)) {
            throw RoomActionRefused.forbidden(target);
        }
        return state;
    }

    /** Takes the next offset for {@code event}; the event it pushes out of the ring takes its state and nonce along. */
    private void append(ServerEvent.RoomEvent event, String nonceKey) {
        offset++;
        if (ring.length == 0) {
            return;
        }
        int slot = slot(offset);
        if (ring[slot] != null) {
            MessageState pushedOut = states.remove(ring[slot].offset());
            if (pushedOut != null && !pushedOut.deleted()) {
                unread.removed(ring[slot].offset(), pushedOut.from(), pushedOut.text());
            }
        }
        if (nonceKeys[slot] != null) {
            byNonce.remove(nonceKeys[slot]);
        }
        ring[slot] = event;
        nonceKeys[slot] = nonceKey;
        if (nonceKey != null) {
            byNonce.put(nonceKey, offset);
        }
    }

    private int slot(long at) {
        return (int) (at % ring.length);
    }

    /** Nicks are one user's whatever their case, and hold no space, so this names one user's nonce. */
    static String nonceKey(String from, String nonce) {
        return Names.nickKey(from) + ' ' + nonce;
    }

    /** {@code user}'s (a nick key) counts after {@code marker}, of the messages the log still keeps. */
    UnreadIndex.Counts unreadAfter(String user, long marker) {
        return unread.after(user, marker);
    }

    /** Kept room events with {@code from <= offset < to}, oldest first, as the log keeps them. */
    List<ServerEvent.RoomEvent> range(long from, long to) {
        long start = Math.max(from, oldest());
        long end = Math.min(to, offset + 1);
        List<ServerEvent.RoomEvent> events = new ArrayList<>((int) Math.max(0, end - start));
        for (long o = start; o < end; o++) {
            events.add(ring[slot(o)]);
        }
        return events;
    }

    /** The latest {@code limit} kept messages below {@code before}, with their state, oldest first. */
    List<ServerEvent.Message> messagesBefore(long before, int limit) {
        List<ServerEvent.Message> messages = new ArrayList<>();
        for (long o = Math.min(before, offset + 1) - 1; o >= oldest() && messages.size() < limit; o--) {
            MessageState state = states.get(o);
            if (state != null) {
                messages.add(state.current());
            }
        }
        Collections.reverse(messages);
        return messages;
    }

    /** The first {@code limit} kept messages after {@code after}, with their state, oldest first. */
    List<ServerEvent.Message> messagesAfter(long after, int limit) {
        List<ServerEvent.Message> messages = new ArrayList<>();
        for (long o = Math.max(after + 1, oldest()); o <= offset && messages.size() < limit; o++) {
            MessageState state = states.get(o);
            if (state != null) {
                messages.add(state.current());
            }
        }
        return messages;
    }
}
