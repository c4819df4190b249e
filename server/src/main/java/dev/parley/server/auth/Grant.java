package dev.parley.server.auth;

import java.util.List;
import java.util.Objects;

/**
 * What an accepted token allows: the nick it names, until when ({@code expiresAtMs}, or
 * {@code null} for never) and which rooms may be joined ({@code rooms} null for any). A room
 * pattern ending in {@code *} matches every name that starts with what precedes it.
 */
public record Grant(String nick, Long expiresAtMs, List<String> rooms) {

    public Grant {
        Objects.requireNonNull(nick, "nick");
        rooms = rooms == null ? null : List.copyOf(rooms);
    }

    /** A grant for {@code nick} with no expiry and every room: what a server without auth gives. */
    public static Grant open(String nick) {
        return new Grant(nick, null, null);
    }

    /** Whether the session may join {@code room}. */
    public boolean mayJoin(String room) {
        if (rooms == null) {
            return true;
        }
        for (String pattern : rooms) {
            if (pattern.endsWith("*") ? room.startsWith(pattern.substring(0, pattern.length() - 1)) : room.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** The expiry in whole seconds since the epoch, as a JWT's {@code exp}; {@code null} for never. */
    public Long expiresAtSeconds() {
        return expiresAtMs == null ? null : expiresAtMs / 1000;
    }
}
