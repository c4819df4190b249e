package dev.parley.server.node;

/**
 * How many sessions a user may hold at once: {@link #EXCLUSIVE}, one per nick, without auth (a
 * nick held is {@code nick_taken}); with auth, where the token's subject is the user,
 * {@link #shared} up to {@code max} ({@code too_many_sessions} past it), and the node offers
 * {@code "multi-session"}.
 */
public record UserSessions(boolean shared, int max) {
    public static final UserSessions EXCLUSIVE = new UserSessions(false, 1);

    public UserSessions {
        if (max < 1 || !shared && max != 1) {
            throw new IllegalArgumentException("a user holds at least one session, and only one unless shared: " + max);
        }
    }

    public static UserSessions shared(int max) {
        return new UserSessions(true, max);
    }
}
