package dev.parley.protocol;

import java.util.Locale;
import java.util.regex.Pattern;

/** The protocol's rules for nicks and room names (ASCII letters, digits, {@code _ - .}). */
public final class Names {
    public static final int MAX_NICK_LENGTH = 32;
    public static final int MAX_ROOM_LENGTH = 64;

    private static final Pattern NICK = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_NICK_LENGTH + "}");
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_ROOM_LENGTH + "}");

    private Names() {
    }

    public static boolean isValidNick(String nick) {
        return nick != null && NICK.matcher(nick).matches();
    }

    public static boolean isValidRoom(String room) {
        return room != null && ROOM.matcher(room).matches();
    }

    /** Nicks are unique case-insensitively: this is the form they are compared in. */
    public static String nickKey(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }
}
