package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A client-to-server command. The server decodes commands with {@link CommandDecoder}; clients
 * encode them with {@link ParleyJson#write(Object)}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Command.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = Command.Join.class, name = "join"),
    @JsonSubTypes.Type(value = Command.Leave.class, name = "leave"),
    @JsonSubTypes.Type(value = Command.Send.class, name = "send"),
    @JsonSubTypes.Type(value = Command.SendDm.class, name = "dm"),
    @JsonSubTypes.Type(value = Command.Typing.class, name = "typing"),
    @JsonSubTypes.Type(value = Command.Who.class, name = "who"),
    @JsonSubTypes.Type(value = Command.ListRooms.class, name = "rooms"),
    @JsonSubTypes.Type(value = Command.FetchHistory.class, name = "history"),
    @JsonSubTypes.Type(value = Command.Ping.class, name = "ping"),
    @JsonSubTypes.Type(value = Command.Refresh.class, name = "refresh"),
    @JsonSubTypes.Type(value = Command.Search.class, name = "search"),
    @JsonSubTypes.Type(value = Command.Edit.class, name = "edit"),
    @JsonSubTypes.Type(value = Command.Delete.class, name = "delete"),
    @JsonSubTypes.Type(value = Command.React.class, name = "react"),
    @JsonSubTypes.Type(value = Command.Read.class, name = "read"),
    @JsonSubTypes.Type(value = Command.Unread.class, name = "unread"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Command {

    /** The id the reply will carry, or {@code null}. */
    RequestId id();

    /** {@code hello}: the first command of every session. {@code token} and {@code resume} are optional. */
    record Hello(RequestId id, String nick, String token, String resume) implements Command {
    }

    /** {@code join}; {@code since} is optional and asks for recovery of what was missed. */
    record Join(RequestId id, String room, StreamPosition since) implements Command {
    }

    /** {@code leave}; {@code forget} (version 1.2) also removes the user's read marker of the room. */
    record Leave(RequestId id, String room, boolean forget) implements Command {
        /** A leave that keeps the read marker. */
        public Leave(RequestId id, String room) {
            this(id, room, false);
        }
    }

    /**
     * {@code send}: a message to a room the sender is a member of. {@code nonce} (optional, 1 to
     * {@value #MAX_NONCE_CHARS} chars) makes it idempotent: a send whose nonce the sender already
     * used in the room, while that message is kept, gets that message's {@code ack} again.
     * {@code replyTo} (version 1.2, optional) is the offset of the message it answers.
     */
    record Send(RequestId id, String room, String text, String nonce, Long replyTo) implements Command {
        public static final int MAX_NONCE_CHARS = 64;

        /** A send that answers no message in particular. */
        public Send(RequestId id, String room, String text, String nonce) {
            this(id, room, text, nonce, null);
        }
    }

    /** {@code edit} (version 1.2): new text for the sender's own message at {@code offset}. */
    record Edit(RequestId id, String room, long offset, String text) implements Command {
    }

    /** {@code delete} (version 1.2): takes back the message at {@code offset} (own, or as a moderator). */
    record Delete(RequestId id, String room, long offset) implements Command {
    }

    /**
     * {@code react} (version 1.2): puts the sender's {@code emoji} on the message at {@code offset}
     * ({@code on}) or takes it off. An emoji is 1 to {@value #MAX_EMOJI_CODE_POINTS} code points
     * without whitespace; a message holds at most {@value #MAX_EMOJI_PER_MESSAGE} different ones.
     */
    record React(RequestId id, String room, long offset, String emoji, boolean on) implements Command {
        public static final int MAX_EMOJI_CODE_POINTS = 16;
        public static final int MAX_EMOJI_PER_MESSAGE = 20;
    }

    /**
     * {@code read} (version 1.2): moves the user's read marker in {@code room} forward to
     * {@code offset} (clamped to the room's latest).
     */
    record Read(RequestId id, String room, long offset) implements Command {
    }

    /** {@code unread} (version 1.2): the user's read state in every room where it has a marker. */
    record Unread(RequestId id) implements Command {
    }

    /** {@code dm}: a direct message to one user. */
    record SendDm(RequestId id, String to, String text) implements Command {
    }

    /** {@code typing}: tells the other members of a room; no reply, never stored. */
    record Typing(RequestId id, String room) implements Command {
    }

    /**
     * {@code who}: the members of a room in nick order, up to {@code limit} (default and most
     * {@value #MAX_LIMIT}), those after the nick {@code after} when it is given.
     */
    record Who(RequestId id, String room, String after, Integer limit) implements Command {
        public static final int MAX_LIMIT = 1000;
    }

    /** {@code rooms}: the rooms that exist and their member counts. */
    record ListRooms(RequestId id) implements Command {
    }

    /**
     * {@code history}: up to {@code limit} messages (default {@value #DEFAULT_LIMIT}, at most
     * {@value #MAX_LIMIT}), oldest first: the latest with offset below {@code before} (default: all),
     * or, with {@code after} (not together with {@code before}), those right after that offset.
     * Of a {@code room}, or (version 1.2, instead of {@code room}) of the conversation {@code with}
     * a user, where {@code before} and {@code after} are the direct messages' {@code seq}.
     * {@code events} (version 1.2): {@value #ALL_EVENTS} asks for the room's log, every room event
     * as it was sent, instead of its messages with their current state.
     */
    record FetchHistory(RequestId id, String room, String with, Long before, Long after, Integer limit, String events)
            implements Command {
        public static final int DEFAULT_LIMIT = 50;
        public static final int MAX_LIMIT = 100;
        public static final String ALL_EVENTS = "all";
        public static final String MESSAGES = "messages";

        /** {@code history} of a room's messages. */
        public FetchHistory(RequestId id, String room, Long before, Long after, Integer limit) {
            this(id, room, null, before, after, limit, null);
        }

        /** {@code history} of a room's messages or of a conversation. */
        public FetchHistory(RequestId id, String room, String with, Long before, Long after, Integer limit) {
            this(id, room, with, before, after, limit, null);
        }

        /** Whether this asks for every room event rather than the messages. */
        public boolean wantsAllEvents() {
            return ALL_EVENTS.equals(events);
        }
    }

    /** {@code ping}: answered with {@code pong}, for clients that cannot see WebSocket pings. */
    record Ping(RequestId id) implements Command {
    }

    /** {@code refresh}: a new token (same {@code sub}) before the session's token expires. */
    record Refresh(RequestId id, String token) implements Command {
    }

    /**
     * {@code search} (servers whose {@code welcome.features} has {@code "search"}): messages of a
     * room that contain all of {@code query}'s words (1 to {@value #MAX_QUERY_CHARS} chars), newest
     * first, below {@code before} when given, up to {@code limit} (default {@value #DEFAULT_LIMIT},
     * at most {@value #MAX_LIMIT}).
     */
    record Search(RequestId id, String room, String query, Long before, Integer limit) implements Command {
        public static final int DEFAULT_LIMIT = 20;
        public static final int MAX_LIMIT = 50;
        public static final int MAX_QUERY_CHARS = 256;
    }
}
