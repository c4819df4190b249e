package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The {@code code} of an {@code error} reply. The connection stays open after any of them. */
public enum ErrorCode {
    BAD_JSON,
    BAD_REQUEST,
    UNKNOWN_TYPE,
    NOT_READY,
    NICK_INVALID,
    NICK_TAKEN,
    ROOM_INVALID,
    NOT_MEMBER,
    TOO_MANY_ROOMS,
    TEXT_TOO_LONG,
    NO_SUCH_USER,
    RATE_LIMITED,
    UNAUTHORIZED,
    FORBIDDEN,
    /** Something the server depends on (the cluster's Redis) is out of reach; nothing was done. */
    UNAVAILABLE,
    INTERNAL,
    /** Version 1.2: the target message is not in the room's retained history, or was deleted. */
    NOT_FOUND,
    /** Version 1.2: the server does not offer the feature the command is for ({@code welcome.features}). */
    UNSUPPORTED,
    /** Version 1.2: the application's backend refused it; the message says why. */
    REJECTED,
    /** Version 1.2: the user holds as many sessions as it may. */
    TOO_MANY_SESSIONS;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The code as it appears on the wire, such as {@code nick_taken}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
