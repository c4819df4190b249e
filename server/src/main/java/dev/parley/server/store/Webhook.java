package dev.parley.server.store;

import dev.parley.protocol.ParleyJson;
import dev.parley.protocol.ServerEvent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One webhook as the backend gets it: its {@code id} (the {@code webhook-id}, the same on every
 * retry), its type, the room it names (null for a session's), and the body
 * {@code {"id","type","ts","data"}}, made once when the webhook is made. Kept in memory or, with
 * durable history, as a row of the outbox ({@link WebhookOutbox}), or in a room's outbox on Redis.
 */
public record Webhook(String id, String type, String room, String body) {
    public static final String MESSAGE_CREATED = "message.created";
    public static final String MESSAGE_EDITED = "message.edited";
    public static final String MESSAGE_DELETED = "message.deleted";
    public static final String REACTION_CHANGED = "reaction.changed";
    public static final String MEMBER_JOINED = "member.joined";
    public static final String MEMBER_LEFT = "member.left";
    public static final String SESSION_OPENED = "session.opened";
    public static final String SESSION_CLOSED = "session.closed";

    /** The webhook type of a room event. */
    public static String typeOf(ServerEvent.RoomEvent event) {
        if (event instanceof ServerEvent.Message) {
            return MESSAGE_CREATED;
        } else if (event instanceof ServerEvent.Edit) {
            return MESSAGE_EDITED;
        }
        return event instanceof ServerEvent.Delete ? MESSAGE_DELETED : REACTION_CHANGED;
    }

    /** A room event's webhook; its data is the event as the wire has it. */
    public static Webhook of(ServerEvent.RoomEvent event) {
        return of(newId(), event);
    }

    /** A room event's webhook under {@code id}, made again the same from the same event (as an outbox keeps it). */
    public static Webhook of(String id, ServerEvent.RoomEvent event) {
        return of(id, typeOf(event), event.room(), event.ts(), event);
    }

    /** A new webhook id. */
    public static String newId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A {@code member.joined} or {@code member.left} webhook. */
    public static Webhook member(String type, String room, String nick, long ts) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("room", room);
        data.put("nick", nick);
        return of(newId(), type, room, ts, data);
    }

    /** A {@code session.opened} or {@code session.closed} webhook, which names no room. */
    public static Webhook session(String type, String nick, String session, long ts) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("nick", nick);
        data.put("session", session);
        return of(newId(), type, null, ts, data);
    }

    private static Webhook of(String id, String type, String room, long ts, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("type", type);
        body.put("ts", ts);
        body.put("data", data);
        return new Webhook(id, type, room, ParleyJson.write(body));
    }
}
