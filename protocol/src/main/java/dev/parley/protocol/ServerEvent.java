package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * A server-to-client event: a direct reply to a command (it carries the command's {@code id}) or
 * a push ({@code message}, {@code edit}, {@code delete}, {@code reaction}, {@code presence},
 * {@code occupancy}, {@code dm}, {@code typing}, {@code read}).
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
    @JsonSubTypes.Type(value = ServerEvent.Edit.class, name = "edit"),
    @JsonSubTypes.Type(value = ServerEvent.Delete.class, name = "delete"),
    @JsonSubTypes.Type(value = ServerEvent.Reaction.class, name = "reaction"),
    @JsonSubTypes.Type(value = ServerEvent.Read.class, name = "read"),
    @JsonSubTypes.Type(value = ServerEvent.Unread.class, name = "unread"),
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
     * {@code unread} (version 1.2, servers that offer {@code "read"}): the user's read state, as
     * {@link Unread} lists it; null otherwise.
     */
    record Welcome(RequestId id, String session, String nick, String resume, long heartbeatMs,
                   long idleTimeoutMs, Limits limits, String server, Long exp, List<String> features,
                   List<UnreadRoom> unread) implements Reply {
        public Welcome {
            features = features == null ? null : List.copyOf(features);
            unread = unread == null ? null : List.copyOf(unread);
        }

        /** A welcome without read state. */
        public Welcome(RequestId id, String session, String nick, String resume, long heartbeatMs,
                       long idleTimeoutMs, Limits limits, String server, Long exp, List<String> features) {
            this(id, session, nick, resume, heartbeatMs, idleTimeoutMs, limits, server, exp, features, null);
        }

        /** A welcome without token expiry nor features. */
        public Welcome(RequestId id, String session, String nick, String resume, long heartbeatMs,
                       long idleTimeoutMs, Limits limits, String server) {
            this(id, session, nick, resume, heartbeatMs, idleTimeoutMs, limits, server, null, null, null);
        }
    }

    /**
     * The reply to {@code join}: where the room stands and the messages to show or recover.
     * {@code members} lists at most {@code presenceLimit} of the room's {@code memberCount} members.
     * {@code messages}: when {@code recovered}, every room event after {@code since} (the log);
     * otherwise the latest messages with their current state.
     * {@code missed} (version 1.2; null when none): more than {@code recoverMax} room events were
     * missed, this many between {@code since} and the first of {@code messages}.
     */
    record Joined(RequestId id, String room, String epoch, long offset, List<String> members, int memberCount,
                  boolean recovered, List<? extends RoomEvent> messages, Long missed) implements Reply {
        public Joined {
            members = members == null ? List.of() : List.copyOf(members);
            messages = messages == null ? List.of() : List.copyOf(messages);
        }
    }

    /** The reply to {@code leave}. */
    record Left(RequestId id, String room) implements Reply {
    }

    /**
     * The reply to {@code send}, {@code edit}, {@code delete} and {@code react} (with the room and
     * the room event's offset; without offset for a reaction that changed nothing) and to {@code dm}
     * (without either).
     */
    record Ack(RequestId id, String room, Long offset, long ts) implements Reply {
    }

    /**
     * An event of a room's log (version 1.2: a message, an edit, a delete or a reaction): it has the
     * room's next offset and reaches every member in offset order. {@code from} is who caused it.
     */
    sealed interface RoomEvent extends ServerEvent permits Message, Edit, Delete, Reaction {
        String room();

        long offset();

        long ts();

        String from();
    }

    /**
     * A room message, delivered to every member in offset order. Version 1.2 adds fields that are
     * left out of the JSON when null: {@code replyTo}, the offset of the message it answers; and its
     * state where an answer lists messages alone: {@code edited} (the ts of its last edit, with the
     * edited {@code text}), {@code deleted} ({@code true}, and no {@code text}; in the log too) and
     * {@code reactions}.
     */
    record Message(String room, long offset, long ts, String from, String text, Long replyTo, Long edited,
                   Boolean deleted, List<ReactionCount> reactions) implements RoomEvent {
        public Message {
            reactions = reactions == null || reactions.isEmpty() ? null : List.copyOf(reactions);
        }

        /** A message as version 1 knows it: no reply, no state. */
        public Message(String room, long offset, long ts, String from, String text) {
            this(room, offset, ts, from, text, null, null, null, null);
        }

        /** Who its text mentions (version 1.2), derived from the text; left out of the JSON when nobody. */
        @JsonProperty(value = "mentions", access = JsonProperty.Access.READ_ONLY)
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        public List<String> mentions() {
            return Mentions.in(text);
        }

        /** This message as it was sent, its text gone: what the log keeps of a deleted message. */
        public Message withTextDeleted() {
            return new Message(room, offset, ts, from, null, replyTo, null, true, null);
        }

        /** This message as sent, with the state it has now. */
        public Message withState(String currentText, Long editedTs, List<ReactionCount> currentReactions) {
            return new Message(room, offset, ts, from, currentText, replyTo, editedTs, null, currentReactions);
        }
    }

    /** One emoji on a message: how many put it there, and the first {@value #MAX_NICKS} of them. */
    record ReactionCount(String emoji, int count, List<String> nicks) {
        public static final int MAX_NICKS = 20;

        public ReactionCount {
            nicks = nicks == null ? List.of() : List.copyOf(nicks);
        }
    }

    /**
     * {@code from} edited their message at {@code target}; {@code text} is its new text, left out
     * (null) in the log once the message was deleted.
     */
    record Edit(String room, long offset, long target, String from, String text, long ts) implements RoomEvent {
        /** Who its new text mentions, derived from the text; left out of the JSON when nobody. */
        @JsonProperty(value = "mentions", access = JsonProperty.Access.READ_ONLY)
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        public List<String> mentions() {
            return Mentions.in(text);
        }

        /** This edit as the log keeps it once its message was deleted. */
        public Edit withTextDeleted() {
            return new Edit(room, offset, target, from, null, ts);
        }
    }

    /** {@code from} (the author, a moderator or the server API) deleted the message at {@code target}. */
    record Delete(String room, long offset, long target, String from, long ts) implements RoomEvent {
    }

    /** {@code from} put {@code emoji} on the message at {@code target} ({@code on}) or took it off. */
    record Reaction(String room, long offset, long target, String from, String emoji, boolean on, long ts)
            implements RoomEvent {
    }

    /**
     * The user's read marker in {@code room} moved to {@code offset} (version 1.2): sent to the
     * user's other sessions than the one that moved it.
     */
    record Read(String room, long offset) implements ServerEvent {
    }

    /** The reply to {@code unread}: every room where the user has a read marker. */
    record Unread(RequestId id, List<UnreadRoom> rooms) implements Reply {
        public Unread {
            rooms = rooms == null ? List.of() : List.copyOf(rooms);
        }
    }

    /**
     * The user's read state in one room: its marker {@code lastRead}; {@code unread}, the messages
     * after it that others sent and that are not deleted; {@code mentions}, those of them that
     * mention the user.
     */
    record UnreadRoom(String room, long lastRead, long unread, long mentions) {
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
     * The reply to {@code history}, oldest first: a room's {@link Message}s with their state, or its
     * {@link RoomEvent}s as sent when asked for {@code "events":"all"} (with {@code room} and
     * {@code epoch}), or a conversation's {@link Dm}s (with {@code with}, version 1.2).
     */
    record History<T extends ServerEvent>(RequestId id, String room, String with, String epoch, List<T> messages)
            implements Reply {
        public History {
            messages = messages == null ? List.of() : List.copyOf(messages);
        }

        /** A room's messages, or its room events. */
        public static History<RoomEvent> ofRoom(RequestId id, String room, String epoch,
                                                List<? extends RoomEvent> messages) {
            return new History<>(id, room, null, epoch, List.copyOf(messages));
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
