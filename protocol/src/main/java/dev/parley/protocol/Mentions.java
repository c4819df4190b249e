package dev.parley.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who a text mentions (version 1.2): {@code @} at the start or after a character that cannot be
 * part of a nick, then the longest run of nick characters less any trailing {@code .} and
 * {@code -}; each nick once, lower case, in the order they first appear. A run that is no valid
 * nick (longer than {@link Names#MAX_NICK_LENGTH}) mentions nobody.
 */
public final class Mentions {
    private Mentions() {
    }

    /** The nicks {@code text} mentions; empty for null or a text without {@code @}. */
    public static List<String> in(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return List.of();
        }
        List<String> nicks = new ArrayList<>(2);
        int at = text.indexOf('@');
        while (at >= 0) {
            int end = at + 1;
            if (at == 0 || !isNickChar(text.charAt(at - 1))) {
                while (end < text.length() && isNickChar(text.charAt(end))) {
                    end++;
                }
                int trimmed = end;
                while (trimmed > at + 1 && (text.charAt(trimmed - 1) == '.' || text.charAt(trimmed - 1) == '-')) {
                    trimmed--;
                }
                String nick = text.substring(at + 1, trimmed).toLowerCase(Locale.ROOT);
                if (Names.isValidNick(nick) && !nicks.contains(nick)) {
                    nicks.add(nick);
                }
            }
            at = text.indexOf('@', end);
        }
        return List.copyOf(nicks);
    }

    /** Whether {@code text} mentions {@code nick} (in any case). */
    public static boolean mentions(String text, String nick) {
        return in(text).contains(Names.nickKey(nick));
    }

    private static boolean isNickChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-';
    }
}
