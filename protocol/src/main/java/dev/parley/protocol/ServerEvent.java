package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * A server-to-client event: a direct reply to a command (it carries the command's {@code id}) or
 * a push ({@code message}, {@code presence}, {@code occupancy}, {@code dm}, {@code typing}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ServerEvent.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ServerEvent.Joined.class, name = "joined"),
    @JsonSubTypes.Type(value = ServerEvent.Left.class, name = "left"),
    @JsonSubTypes.Type(value = ServerEvent.Ack.class, name = "ack"),
    @JsonSubTypes.Type(value = ServerEvent.Message.class, name = "message"),
    @JsonSubTypes.Type(value = ServerEvent.Presence.class, name = "presence"),
    @JsonSubTypes.Type(value = ServerEvent.Occupancy.class, name = "occupancy"),
    @JsonSubTypes.Type(value = ServerEvent.Dm.class, name = "dm"),
    @JsonSubTypes.Type(value = ServerEvent.Typing.class, name = "typing"),
    @JsonSubTypes.Type(value = ServerEvent.Members.class, name = "members"),
    @JsonSubTypes.Type(value = ServerEvent.Rooms.class, name = "rooms"),
    @JsonSubTypes.Type(value = ServerEvent.History.class, name = "history"),
    @JsonSubTypes.Type(value = ServerEvent.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = ServerEvent.Error.class, name = "error"),
    @JsonSubTypes.Type(value = ServerEvent.Refreshed.class, name = "refreshed"),
    @JsonSubTypes.Type(value = ServerEvent.Results.class, name = "results"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ServerEvent {

    /** A direct reply to the command that carried {@link #id()}. */
    sealed interface Reply extends ServerEvent {
        RequestId id();
    }

    /**
     * The reply to {@code hello}. {@code exp}, on servers with auth, is when the session's token
     * expires (seconds since the epoch): refresh before it; {@code null} when it does not.
     * {@code features} (version 1.2) are the optional parts of the protocol the server offers,
     * such as {@code "durable"} and {@code "search"}; {@code null} from an older server.
     */
    record Welcome(RequestId id, String session, String nick, String resume, long heartbeatMs,
                   long idleTimeoutMs, Limits limits, String server, Long exp, List<String> features) implements Reply {
        public Welcome {
            features = features == null ? null : List.copyOf(features);
        }

        /** A welcome without token expiry nor features. */
        public Welcome(RequestId id, String session, String nick, String resume, long heartbeatMs,
                       long idleTimeoutMs, Limits limits, String server) {
            this(id, session, nick, resume, heartbeatMs, idleTimeoutMs, limits, server, null, null);
        }
    }

    /**
     * The reply to {@code join}: where the room stands and the messages to show or recover.
     * {@code members} lists at most {@code presenceLimit} of the room's {@code memberCount} members.
     * {@code missed} (version 1.2; null when none): more than {@code recoverMax} room events were
     * missed, this many between {@code since} and the first of {@code messages}.
     */
    record Joined(RequestId id, String room, String epoch, long offset, List<String> members, int memberCount,
                  boolean recovered, List<Message> messages, Long missed) implements Reply {
        public Joined {
            members = members == null ? List.of() : List.copyOf(members);
            messages = messages == null ? List.of() : List.copyOf(messages);
        }
    }

    /** The reply to {@code leave}. */
    record Left(RequestId id, String room) implements Reply {
    }

    /** The reply to {@code send} (with the room and offset) and to {@code dm} (without). */
    record Ack(RequestId id, String room, Long offset, long ts) implements Reply {
    }

    /** A room message, delivered to every member in offset order. */
    record Message(String room, long offset, long ts, String from, String text) implements ServerEvent {
    }

    /** Someone joined or left a room. */
    record Presence(String room, PresenceKind event, String nick, long ts) implements ServerEvent {
    }

    /** How many members a room has, sent instead of {@link Presence} events in rooms over the presence limit. */
    record Occupancy(String room, int members, long ts) implements ServerEvent {
    }

    /** What a {@link Presence} event reports. */
    enum PresenceKind {
        @JsonProperty("join") JOIN,
        @JsonProperty("leave") LEAVE
    }

    /**
     * A direct message. {@code seq} (version 1.2, with durable history and auth): its position in
     * the conversation of {@code from} and {@code to}, from 1; {@code stored}: {@code true} on a
     * direct message that waited for its recipient's next {@code hello}. Both null otherwise, and
     * then left out of the JSON.
     */
    record Dm(String from, String to, String text, long ts, Long seq, Boolean stored) implements ServerEvent {
        /** A direct message as version 1 knows it: neither stored nor numbered. */
        public Dm(String from, String to, String text, long ts) {
            this(from, to, text, ts, null, null);
        }

        /** This message addressed to {@code to} as the recipient spells its nick. */
        public Dm addressedTo(String to) {
            return new Dm(from, to, text, ts, seq, stored);
        }

        /** This message as it is delivered after waiting for its recipient. */
        public Dm asStored() {
            return new Dm(from, to, text, ts, seq, true);
        }
    }

    /** Someone is typing in a room. */
    record Typing(String room, String nick) implements ServerEvent {
    }

    /** The reply to {@code who}: a page of members in nick order; {@code next} is the {@code after} of the next page, if any. */
    record Members(RequestId id, String room, List<String> members, String next) implements Reply {
        public Members {
            members = members == null ? List.of() : List.copyOf(members);
        }
    }

    /** The reply to {@code rooms}. */
    record Rooms(RequestId id, List<RoomInfo> rooms) implements Reply {
        public Rooms {
            rooms = rooms == null ? List.of() : List.copyOf(rooms);
        }
    }

    /** One entry of {@link Rooms}. */
    record RoomInfo(String room, int members) {
    }

    /**
     * The reply to {@code history}, oldest first: a room's {@link Message}s (with {@code room} and
     * {@code epoch}), or a conversation's {@link Dm}s (with {@code with}, version 1.2).
     */
    record History<T extends ServerEvent>(RequestId id, String room, String with, String epoch, List<T> messages)
            implements Reply {
        public History {
            messages = messages == null ? List.of() : List.copyOf(messages);
        }

        /** A room's messages. */
        public static History<Message> ofRoom(RequestId id, String room, String epoch, List<Message> messages) {
            return new History<>(id, room, null, epoch, messages);
        }

        /** The direct messages exchanged with {@code with}. */
        public static History<Dm> withUser(RequestId id, String with, List<Dm> messages) {
            return new History<>(id, null, with, null, messages);
        }
    }

    /** The reply to {@code ping}. */
    record Pong(RequestId id, long ts) implements Reply {
    }

    /** The reply to a command that failed; {@code message} is for humans. */
    record Error(RequestId id, ErrorCode code, String message) implements Reply {
    }

    /** The reply to {@code refresh}: the new token's expiry, in seconds since the epoch ({@code null}: none). */
    record Refreshed(RequestId id, Long exp) implements Reply {
    }

    /** The reply to {@code search}: matching messages, newest first; {@code next} is the {@code before} of the next page, if any. */
    record Results(RequestId id, String room, List<Message> messages, Long next) implements Reply {
        public Results {
            messages = messages == null ? List.of() : List.copyOf(messages);
        }
    }
}
