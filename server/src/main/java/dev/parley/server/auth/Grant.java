package dev.parley.server.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an accepted token allows: the nick it names, until when ({@code expiresAtMs}, or
 * {@code null} for never), which rooms may be joined ({@code rooms} null for any) and in which
 * rooms anyone's messages may be deleted ({@code modRooms}, the {@code mod} claim; empty for none).
 * A room pattern ending in {@code *} matches every name that starts with what precedes it.
 */
public record Grant(String nick, Long expiresAtMs, List<String> rooms, List<String> modRooms) {

    public Grant {
        Objects.requireNonNull(nick, "nick");
        rooms = rooms == null ? null : List.copyOf(rooms);
        modRooms = modRooms == null ? List.of() : List.copyOf(modRooms);
    }

    /** A grant that moderates no room. */
    public Grant(String nick, Long expiresAtMs, List<String> rooms) {
        this(nick, expiresAtMs, rooms, null);
    }

    /** A grant for {@code nick} with no expiry and every room: what a server without auth gives. */
    public static Grant open(String nick) {
        return new Grant(nick, null, null);
    }

    /** Whether the session may join {@code room}. */
    public boolean mayJoin(String room) {
        return rooms == null || matchesAny(rooms, room);
    }

    /** Whether the session may delete anyone's message in {@code room}. */
    public boolean mayModerate(String room) {
        return matchesAny(modRooms, room);
    }

    /**
     * This grant with joins limited to what {@code allowed} (names and patterns; null for any) allows
     * as well: the connect hook's {@code rooms} narrowing the token's.
     */
    public Grant narrowedTo(List<String> allowed) {
        if (allowed == null) {
            return this;
        }
        if (rooms == null) {
            return new Grant(nick, expiresAtMs, allowed, modRooms);
        }
        List<String> both = new ArrayList<>();
        for (String mine : rooms) {
            for (String theirs : allowed) {
                String common = common(mine, theirs);
                if (common != null && !both.contains(common)) {
                    both.add(common);
                }
            }
        }
        return new Grant(nick, expiresAtMs, both, modRooms);
    }

    /** The pattern matching exactly the rooms both patterns match, or null when none. */
    private static String common(String a, String b) {
        boolean aPrefix = a.endsWith("*");
        boolean bPrefix = b.endsWith("*");
        if (aPrefix && bPrefix) {
            String longer = a.length() >= b.length() ? a : b;
            String shorter = longer == a ? b : a;
            return matches(shorter, longer.substring(0, longer.length() - 1)) ? longer : null;
        }
        if (aPrefix) {
            return matches(a, b) ? b : null;
        }
        return matches(b, a) ? a : null;
    }

    private static boolean matchesAny(List<String> patterns, String room) {
        for (String pattern : patterns) {
            if (matches(pattern, room)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, String room) {
        return pattern.endsWith("*") ? room.startsWith(pattern.substring(0, pattern.length() - 1)) : room.equals(pattern);
    }

    /** The expiry in whole seconds since the epoch, as a JWT's {@code exp}; {@code null} for never. */
    public Long expiresAtSeconds() {
        return expiresAtMs == null ? null : expiresAtMs / 1000;
    }
}
